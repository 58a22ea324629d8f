using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>How the operator rolls pods when the pod template changes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateStrategyType>))]
public enum UpdateStrategyType
{
    /// <summary>One pod at a time, followers first, leader last after a leadership transfer.</summary>
    RaftAware,
    /// <summary>Like RaftAware, but stops before the leader until the user approves with an annotation.</summary>
    Supervised,
}

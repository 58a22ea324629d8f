using System.Text.Json.Serialization;

namespace Raftex.Operator.Api;

/// <summary>Whether a Raft member votes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberRole>))]
public enum MemberRole
{
    /// <summary>Counts toward quorum.</summary>
    Voter,
    /// <summary>Receives the log without voting.</summary>
    Learner,
}

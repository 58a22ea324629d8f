using System.Text.Json.Serialization;

namespace Raftex.Chaos;

/// <summary>How many of the matching members become targets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SelectionMode>))]
public enum SelectionMode
{
    /// <summary>One member, chosen at random.</summary>
    One,
    /// <summary>Every matching member.</summary>
    All,
    /// <summary>Exactly value members, chosen at random.</summary>
    Fixed,
    /// <summary>value percent of the matching members (rounded down, at least one).</summary>
    FixedPercent,
    /// <summary>A random count between one and value percent of the matching members.</summary>
    RandomMaxPercent,
}

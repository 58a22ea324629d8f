namespace Raftex.Node;

/// <summary>The entry format version in force at the applied index, and the log index of the entry that set it (0 for the initial 1).</summary>
internal sealed record AppliedEntryFormat(byte Version, long Index);

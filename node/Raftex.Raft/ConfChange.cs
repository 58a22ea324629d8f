using System.Buffers.Binary;

namespace Raftex.Raft;

/// <summary>The one-at-a-time membership changes Raftex supports.</summary>
public enum ConfChangeType : byte
{
    AddLearner = 1,
    PromoteLearner = 2,
    RemoveNode = 3,

    /// <summary>
    /// The membership becomes this node alone, as voter: written by <see cref="RaftNode.ForceNewCluster"/> when a
    /// majority is permanently lost. Replayed by any node that later receives the log, it has the same effect there.
    /// </summary>
    ForceSoleVoter = 4,
}

/// <summary>A single-server membership change, carried as the payload of a <see cref="EntryType.ConfChange"/> entry.</summary>
public readonly record struct ConfChange(ConfChangeType Type, long NodeId)
{
    public const int EncodedLength = 9;

    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        bytes[0] = (byte)Type;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1), NodeId);
        return bytes;
    }

    public static ConfChange Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedLength)
        {
            throw new FormatException($"conf change must be {EncodedLength} bytes, got {bytes.Length}");
        }

        var type = (ConfChangeType)bytes[0];
        if (type is not (ConfChangeType.AddLearner or ConfChangeType.PromoteLearner or ConfChangeType.RemoveNode or ConfChangeType.ForceSoleVoter))
        {
            throw new FormatException($"unknown conf change type {bytes[0]}");
        }

        return new ConfChange(type, BinaryPrimitives.ReadInt64LittleEndian(bytes[1..]));
    }
}

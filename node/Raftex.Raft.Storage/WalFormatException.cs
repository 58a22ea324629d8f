namespace Raftex.Raft.Storage;

/// <summary>A WAL segment or snapshot file was written in a format version this build cannot read.</summary>
public sealed class WalFormatException : IOException
{
    public WalFormatException(string path, uint version, uint supportedVersion)
        : base($"'{path}' has format version {version}, but this build reads only version {supportedVersion}; " +
               "upgrade the binary or restore a data directory written by a compatible version")
    {
        FilePath = path;
        Version = version;
    }

    public string FilePath { get; }

    public uint Version { get; }
}

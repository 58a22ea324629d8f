using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Raftex.Backup;

/// <summary>
/// What a backup is: written as <c>manifest.json</c> next to the snapshot data (<see cref="DataFile"/>), last, so a
/// manifest present means the backup is complete. Everything a restore needs to check the data is here; nothing
/// outside the store is consulted.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The manifest layout this build writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Name of the manifest object inside a backup.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Name of the snapshot data object inside a backup.</summary>
    public const string DataFile = "snapshot.snap";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Version of this manifest's layout.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Cluster id of the source cluster (a restore gets a fresh one).</summary>
    public required string ClusterId { get; init; }

    public uint GroupId { get; init; }

    /// <summary>The member the snapshot was taken on.</summary>
    public long NodeId { get; init; }

    /// <summary>Raft index and term the backup is consistent at.</summary>
    public long Index { get; init; }

    public long Term { get; init; }

    /// <summary>Exchange state hash at <see cref="Index"/>, 16 lower-case hex digits.</summary>
    public required string StateHash { get; init; }

    /// <summary>Layout version of the Raft snapshot file and of the exchange snapshot inside it.</summary>
    public uint SnapshotFileFormatVersion { get; init; }

    public uint ExchangeSnapshotVersion { get; init; }

    public uint EntryFormatVersion { get; init; }

    /// <summary>Membership at <see cref="Index"/>.</summary>
    public IReadOnlyList<long> Voters { get; init; } = [];

    public IReadOnlyList<long> Learners { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Bytes of <see cref="DataFile"/>.</summary>
    public long Size { get; init; }

    /// <summary>SHA-256 of <see cref="DataFile"/>, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The state hash as a number.</summary>
    [JsonIgnore]
    public ulong StateHashValue => ulong.Parse(StateHash, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    public static string FormatHash(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses and checks a manifest; every problem is a <see cref="BackupException"/> with check <see cref="BackupCheck.Manifest"/>.</summary>
    public static BackupManifest Parse(ReadOnlySpan<byte> json, string location)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new BackupException(location, BackupCheck.Manifest, $"manifest.json is not valid JSON ({e.Message})");
        }

        if (manifest is null)
        {
            throw new BackupException(location, BackupCheck.Manifest, "manifest.json is empty");
        }

        if (manifest.FormatVersion != CurrentFormatVersion)
        {
            throw new BackupException(location, BackupCheck.Format,
                $"manifest format version {manifest.FormatVersion}; this build reads version {CurrentFormatVersion}");
        }

        var problem = manifest.Problem();
        return problem is null ? manifest : throw new BackupException(location, BackupCheck.Manifest, problem);
    }

    private string? Problem()
    {
        if (string.IsNullOrEmpty(ClusterId))
        {
            return "manifest.json has no clusterId";
        }

        if (Index <= 0 || Term <= 0)
        {
            return $"manifest.json has index {Index} and term {Term}; both must be positive";
        }

        if (StateHash is not { Length: 16 } || !ulong.TryParse(StateHash, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))
        {
            return $"manifest.json stateHash '{StateHash}' is not 16 hex digits";
        }

        if (Sha256 is not { Length: 64 } || !Sha256.All(Uri.IsHexDigit))
        {
            return $"manifest.json sha256 '{Sha256}' is not 64 hex digits";
        }

        if (Size <= 0)
        {
            return $"manifest.json size {Size} must be positive";
        }

        return Voters.Count == 0 ? "manifest.json lists no voters" : null;
    }
}

namespace Raftex.Backup;

/// <summary>Backup names: the DNS-label-like names of ExchangeBackup objects, safe as a path segment and an S3 key part.</summary>
public static class BackupName
{
    /// <summary>Stands for the complete backup with the highest Raft index in a store.</summary>
    public const string Latest = "latest";

    /// <summary>Throws <see cref="ArgumentException"/> naming the rule a name breaks.</summary>
    public static string Check(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 253)
        {
            throw new ArgumentException($"backup name '{name}' must have 1 to 253 characters");
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.'))
            {
                throw new ArgumentException($"backup name '{name}' may hold only lower-case letters, digits, '-' and '.'");
            }
        }

        if (name[0] is '-' or '.' || name[^1] is '-' or '.' || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"backup name '{name}' must start and end with a letter or digit and hold no '..'");
        }

        return name;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using Raftex.Operator.Api;

namespace Raftex.Operator.Validation;

/// <summary>Checks an ExchangeCluster spec beyond what the schema can express, with precise messages.</summary>
public static partial class SpecValidator
{
    /// <summary>Errors and warnings for <paramref name="spec"/>; an invalid spec must change no child object.</summary>
    public static SpecValidation Validate(ExchangeClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<SpecFinding>();
        var warnings = new List<SpecFinding>();
        var s = ClusterSettings.From(spec);

        if (s.Replicas is < 1 or > 9)
        {
            errors.Add(new("spec.replicas", $"must be between 1 and 9, got {s.Replicas}"));
        }
        else if (s.Replicas % 2 == 0)
        {
            warnings.Add(new("spec.replicas", $"{s.Replicas} replicas tolerate no more failures than {s.Replicas - 1} ({(s.Replicas - 1) / 2}); an odd count is recommended"));
        }

        ValidateImage(s.Image, errors, warnings);
        ValidateSymbols(spec.Symbols, errors);
        ValidateResources(s, errors);

        if (s.StorageSize.ToDecimal() <= 0)
        {
            errors.Add(new("spec.storage.size", $"must be positive, got {s.StorageSize}"));
        }

        if (s.HeartbeatIntervalMs <= 0)
        {
            errors.Add(new("spec.raft.heartbeatIntervalMs", $"must be positive, got {s.HeartbeatIntervalMs}"));
        }
        else if (s.ElectionTimeoutMs < 3 * s.HeartbeatIntervalMs)
        {
            errors.Add(new("spec.raft.electionTimeoutMs",
                $"must be at least three heartbeat intervals ({3 * s.HeartbeatIntervalMs} ms for heartbeatIntervalMs {s.HeartbeatIntervalMs}), got {s.ElectionTimeoutMs}; otherwise followers campaign while the leader is healthy"));
        }

        if (s.SnapshotThreshold <= 0)
        {
            errors.Add(new("spec.raft.snapshotThreshold", $"must be positive, got {s.SnapshotThreshold}"));
        }

        if ((long)s.PodReadinessTimeoutSeconds * 1000 < 10L * s.ElectionTimeoutMs)
        {
            errors.Add(new("spec.podReadinessTimeoutSeconds",
                $"must allow at least ten election timeouts ({Math.Ceiling(s.ElectionTimeoutMs / 100.0)} s for electionTimeoutMs {s.ElectionTimeoutMs}), got {s.PodReadinessTimeoutSeconds} s"));
        }

        ValidatePorts(s, errors);
        BackupSpecValidator.Validate(spec, errors);

        if (s.MaxLagEntries < 0)
        {
            errors.Add(new("spec.updateStrategy.maxLagEntries", $"must not be negative, got {s.MaxLagEntries}"));
        }

        return new SpecValidation(errors, warnings);
    }

    private static void ValidateImage(string image, List<SpecFinding> errors, List<SpecFinding> warnings)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            errors.Add(new("spec.image", "is required"));
            return;
        }

        if (image.Any(char.IsWhiteSpace))
        {
            errors.Add(new("spec.image", $"must not contain whitespace, got '{image}'"));
            return;
        }

        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        if (!image.Contains('@', StringComparison.Ordinal) && (!lastSegment.Contains(':', StringComparison.Ordinal) || lastSegment.EndsWith(":latest", StringComparison.Ordinal)))
        {
            warnings.Add(new("spec.image", $"'{image}' has no fixed tag or digest; a rollout cannot tell which binary each pod runs"));
        }
    }

    private static void ValidateSymbols(IList<SymbolSpec>? symbols, List<SpecFinding> errors)
    {
        if (symbols is null || symbols.Count == 0)
        {
            errors.Add(new("spec.symbols", "at least one symbol is required"));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            var path = $"spec.symbols[{i}]";
            if (symbol is null)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            var match = SymbolName().Match(symbol.Name ?? string.Empty);
            if (!match.Success)
            {
                errors.Add(new(path + ".name", $"'{symbol.Name}' is not BASE-QUOTE with 2-10 upper-case letters or digits each, e.g. BTC-USD"));
            }
            else if (match.Groups[1].Value == match.Groups[2].Value)
            {
                errors.Add(new(path + ".name", $"'{symbol.Name}' trades an asset against itself"));
            }
            else if (!seen.Add(symbol.Name!))
            {
                errors.Add(new(path + ".name", $"'{symbol.Name}' is listed more than once"));
            }

            ValidateIncrement(symbol.TickSize, path + ".tickSize", errors);
            ValidateIncrement(symbol.LotSize, path + ".lotSize", errors);
        }
    }

    private static void ValidateIncrement(string? value, string path, List<SpecFinding> errors)
    {
        if (value is null || !Increment().IsMatch(value))
        {
            errors.Add(new(path, $"'{value}' is not a decimal like 0.01 (up to 12 digits each side of the point)"));
            return;
        }

        if (decimal.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) == 0m)
        {
            errors.Add(new(path, "must be greater than zero"));
        }
    }

    private static void ValidateResources(ClusterSettings s, List<SpecFinding> errors)
    {
        foreach (var (name, quantity) in s.Requests.Concat(s.Limits))
        {
            if (quantity.ToDecimal() < 0)
            {
                errors.Add(new($"spec.resources.{name}", $"must not be negative, got {quantity}"));
            }
        }

        foreach (var (name, request) in s.Requests)
        {
            if (s.Limits.TryGetValue(name, out var limit) && request.ToDecimal() > limit.ToDecimal())
            {
                errors.Add(new($"spec.resources.requests.{name}", $"request {request} exceeds limit {limit}"));
            }
        }
    }

    private static void ValidatePorts(ClusterSettings s, List<SpecFinding> errors)
    {
        var ports = new (string Name, int Port)[] { ("client", s.ClientPort), ("peer", s.PeerPort), ("admin", s.AdminPort), ("http", s.HttpPort) };
        foreach (var (name, port) in ports)
        {
            if (port is < 1 or > 65535)
            {
                errors.Add(new($"spec.service.ports.{name}", $"must be between 1 and 65535, got {port}"));
            }
        }

        foreach (var clash in ports.GroupBy(p => p.Port).Where(g => g.Count() > 1))
        {
            errors.Add(new("spec.service.ports", $"{string.Join(" and ", clash.Select(p => p.Name))} share port {clash.Key}; each plane needs its own port"));
        }
    }

    [GeneratedRegex("^([A-Z0-9]{2,10})-([A-Z0-9]{2,10})$")]
    private static partial Regex SymbolName();

    [GeneratedRegex(@"^[0-9]{1,12}(\.[0-9]{1,12})?$")]
    private static partial Regex Increment();
}

namespace Raftex.ApiServer;

/// <summary>Where the scale subresource reads and writes replicas, as CRD subresources.scale states it (".spec.replicas").</summary>
internal sealed record ScalePaths(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);

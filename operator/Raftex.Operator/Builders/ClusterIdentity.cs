namespace Raftex.Operator.Builders;

/// <summary>What bootstrap fixed once: the cluster id and how many of the first pods form the initial configuration.</summary>
public sealed record ClusterIdentity(string ClusterId, int InitialMembers)
{
    /// <summary>A fresh cluster id: 128 random bits as hex, so two clusters never share one.</summary>
    public static string NewClusterId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

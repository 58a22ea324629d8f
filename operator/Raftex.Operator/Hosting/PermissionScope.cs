namespace Raftex.Operator.Hosting;

/// <summary>Where the operator needs a permission, which decides the Role that grants it.</summary>
public enum PermissionScope
{
    /// <summary>In every namespace the operator watches (a ClusterRole, or a Role in the watched namespace).</summary>
    Watched,

    /// <summary>Only in the operator's own namespace (a Role there): the leader-election Lease lives next to the operator.</summary>
    OperatorNamespace,
}

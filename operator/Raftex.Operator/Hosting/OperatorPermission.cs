namespace Raftex.Operator.Hosting;

/// <summary>One RBAC grant the operator needs: API group (empty for the core group), resource or subresource, verbs, scope.</summary>
public sealed record OperatorPermission(string ApiGroup, string Resource, IReadOnlyList<string> Verbs, PermissionScope Scope);

using k8s.Models;
using Raftex.Operator.Hosting;

namespace Raftex.Chart.Tests;

/// <summary>The chart's RBAC grants exactly what the operator declares in <see cref="OperatorPermissions"/>: nothing missing, nothing extra.</summary>
public sealed class RbacTests
{
    private sealed record Grant(PermissionScope Scope, string ApiGroup, string Resource, string Verb);

    private static readonly SortedSet<string> Declared = [.. OperatorPermissions.All
        .SelectMany(p => p.Verbs.Select(v => new Grant(p.Scope, p.ApiGroup, p.Resource, v)))
        .Select(g => g.ToString())];

    [Theory]
    [InlineData("cluster", "ops")]
    [InlineData("namespace", "trading")]
    public void The_rendered_rbac_grants_exactly_the_declared_permissions(string scope, string watched)
    {
        var yaml = Helm.Render($"rbac:\n  scope: {scope}\n  watchNamespace: {(scope == "namespace" ? watched : "\"\"")}\n");
        var objects = Manifests.Load(yaml);
        var account = Assert.Single(objects.OfType<V1ServiceAccount>());
        var roles = objects.OfType<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
        var clusterRoles = objects.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name);
        var granted = new SortedSet<string>(StringComparer.Ordinal);

        void Add(PermissionScope grantScope, IEnumerable<V1PolicyRule> rules)
        {
            foreach (var rule in rules)
            {
                Assert.True(rule.ResourceNames is null or { Count: 0 } && rule.NonResourceURLs is null or { Count: 0 }, "rules name resources only");
                foreach (var group in rule.ApiGroups)
                {
                    foreach (var resource in rule.Resources)
                    {
                        foreach (var verb in rule.Verbs)
                        {
                            Assert.NotEqual("*", verb);
                            Assert.True(granted.Add(new Grant(grantScope, group, resource, verb).ToString()), $"{group}/{resource} {verb} granted twice");
                        }
                    }
                }
            }
        }

        foreach (var binding in objects.OfType<V1RoleBinding>())
        {
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal((account.Metadata.Name, "ops"), (subject.Name, subject.NamespaceProperty));
            Assert.Equal("Role", binding.RoleRef.Kind);
            var role = roles[(binding.Metadata.NamespaceProperty, binding.RoleRef.Name)];
            // A Role in the operator's namespace holds the Lease; a Role in the watched namespace the rest.
            var grantScope = role.Metadata.Name.EndsWith("-leader-election", StringComparison.Ordinal) ? PermissionScope.OperatorNamespace : PermissionScope.Watched;
            Assert.Equal(grantScope == PermissionScope.OperatorNamespace ? "ops" : watched, role.Metadata.NamespaceProperty);
            Add(grantScope, role.Rules);
        }

        foreach (var binding in objects.OfType<V1ClusterRoleBinding>())
        {
            Assert.Equal("cluster", scope);
            var subject = Assert.Single(binding.Subjects);
            Assert.Equal((account.Metadata.Name, "ops"), (subject.Name, subject.NamespaceProperty));
            Add(PermissionScope.Watched, clusterRoles[binding.RoleRef.Name].Rules);
        }

        Assert.Equal(roles.Count + clusterRoles.Count, objects.OfType<V1RoleBinding>().Count() + objects.OfType<V1ClusterRoleBinding>().Count());
        var missing = Declared.Except(granted).ToList();
        var extra = granted.Except(Declared).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"chart RBAC differs from OperatorPermissions.All (fix charts/raftex-operator/templates/_permissions.tpl)\nmissing: {string.Join("\n  ", missing)}\nextra: {string.Join("\n  ", extra)}");
    }

    [Fact]
    public void Every_declared_permission_names_verbs_and_a_resource()
    {
        Assert.All(OperatorPermissions.All, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Resource));
            Assert.NotEmpty(p.Verbs);
            Assert.Equal(p.Verbs.Count, p.Verbs.Distinct().Count());
        });
        Assert.Equal(OperatorPermissions.All.Count, OperatorPermissions.All.Select(p => (p.ApiGroup, p.Resource, p.Scope)).Distinct().Count());
    }
}

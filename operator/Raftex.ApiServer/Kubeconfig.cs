namespace Raftex.ApiServer;

/// <summary>Renders a minimal kubeconfig (one cluster, one user without credentials, one context) for an http server.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string contextName, string defaultNamespace) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {contextName}
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
        users:
        - name: {contextName}
          user: {"{}"}
        contexts:
        - name: {contextName}
          context:
            cluster: {contextName}
            user: {contextName}
            namespace: {defaultNamespace}
        current-context: {contextName}
        preferences: {"{}"}

        """;
}

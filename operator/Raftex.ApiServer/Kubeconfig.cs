namespace Raftex.ApiServer;

/// <summary>Renders a minimal kubeconfig (one cluster, one user with a dummy token, one context) for an http server.</summary>
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
          user:
            # The embedded server does not authenticate; KubernetesClient refuses a user without any credentials.
            token: raftex-local
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

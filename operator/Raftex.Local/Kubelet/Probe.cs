using System.Net.Sockets;
using k8s.Models;

namespace Raftex.Local.Kubelet;

/// <summary>One probe of a container (httpGet or tcpSocket against the pod's IP), as the kubelet runs it.</summary>
internal static class Probe
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) });

    /// <summary>Null when the probe succeeded, otherwise why it failed.</summary>
    public static async Task<string?> RunAsync(V1Probe probe, V1Container container, string podIp, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1)));
        try
        {
            if (probe.HttpGet is { } get)
            {
                var port = PortOf(get.Port, container);
                var path = string.IsNullOrEmpty(get.Path) ? "/" : get.Path;
                using var response = await Http.GetAsync(new Uri($"http://{podIp}:{port}{path}"), timeout.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                return code is >= 200 and < 400 ? null : $"HTTP probe failed with statuscode: {code}";
            }

            if (probe.TcpSocket is { } tcp)
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(podIp, PortOf(tcp.Port, container), timeout.Token).ConfigureAwait(false);
                return null;
            }

            return "only httpGet and tcpSocket probes are supported by the local platform";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "probe timed out";
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            return $"probe failed: {e.Message}";
        }
    }

    private static int PortOf(IntOrString port, V1Container container)
    {
        var value = port.Value;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == value)?.ContainerPort
            ?? throw new IOException($"container {container.Name} has no port named '{value}'");
    }
}

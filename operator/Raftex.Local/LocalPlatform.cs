using System.Diagnostics;
using k8s;
using Microsoft.Extensions.Logging;
using Raftex.ApiServer;
using Raftex.Local.Kubelet;

namespace Raftex.Local;

/// <summary>
/// The whole local platform in one process: the embedded API server on 127.0.0.1 with a kubeconfig for it, the
/// StatefulSet and Deployment controllers, the process kubelet, and the operator as a real process of the operator image
/// (its code unchanged, talking to the API server through the kubeconfig, resolving pod names through the kubelet's hosts
/// file like every pod).
/// </summary>
public sealed class LocalPlatform : IAsyncDisposable
{
    private readonly LocalPlatformOptions _options;
    private readonly ILoggerFactory _logs;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _stopOperator = new();
    private readonly List<Task> _loops = [];
    private ApiServerHost? _server;
    private Process? _operator;
    private bool _stopped;

    private LocalPlatform(LocalPlatformOptions options, ILoggerFactory logs)
    {
        _options = options;
        _logs = logs;
        _log = logs.CreateLogger<LocalPlatform>();
    }

    /// <summary>The API server's URL.</summary>
    public Uri ApiUrl => _server?.Url ?? throw new InvalidOperationException("not started");

    /// <summary>The kubeconfig kubectl and the operator use.</summary>
    public string KubeconfigPath => _options.KubeconfigPath;

    /// <summary>Starts everything; throws <see cref="InvalidOperationException"/> with the reason when it cannot.</summary>
    public static async Task<LocalPlatform> StartAsync(LocalPlatformOptions options, ILoggerFactory logs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logs);
        if (await NamespacedProcess.CheckAsync(cancellationToken).ConfigureAwait(false) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }

        if (options.RunOperator && options.Images.Find("raftex/operator", out var reason) is null)
        {
            throw new InvalidOperationException(reason);
        }

        var platform = new LocalPlatform(options, logs);
        try
        {
            await platform.StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await platform.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return platform;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_options.StateDirectory);
        try
        {
            _server = await ApiServerHost.StartAsync(new ApiServerOptions
            {
                Port = _options.ApiPort,
                BookmarkInterval = TimeSpan.FromSeconds(30),
                RequireNamespace = true,
                PodLogs = (ns, pod, container) => PodSandbox.LogPath(_options.StateDirectory, ns, pod, container),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"cannot start the API server on 127.0.0.1:{_options.ApiPort}: {e.Message} (is another platform running? raftex local down)", e);
        }

        _server.WriteKubeconfig(_options.KubeconfigPath);
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = _server.Url.ToString() });
        var kubelet = new ProcessKubelet(client, new KubeletOptions
        {
            StateDirectory = _options.StateDirectory,
            Images = _options.Images,
            PodNetwork = _options.PodNetwork,
        }, _logs.CreateLogger<ProcessKubelet>());
        var token = _stop.Token;
        _loops.Add(Task.Run(() => new StatefulSetController(client).RunAsync(token), token));
        _loops.Add(Task.Run(() => new DeploymentController(client).RunAsync(token), token));
        _loops.Add(Task.Run(() => kubelet.RunAsync(token), token));
        if (_options.RunOperator)
        {
            var operatorToken = _stopOperator.Token;
            _loops.Add(Task.Run(() => SuperviseOperatorAsync(kubelet.HostsFilePath, operatorToken), operatorToken));
        }

        _log.LogInformation("Local platform up: API server {Url}, kubeconfig {Kubeconfig}", _server.Url, _options.KubeconfigPath);
    }

    /// <summary>The operator runs as long as the platform does; if it exits, it is started again after a pause.</summary>
    private async Task SuperviseOperatorAsync(string hostsFile, CancellationToken ct)
    {
        var image = _options.Images.Find("raftex/operator", out _)!;
        while (!ct.IsCancellationRequested)
        {
            var hostsReady = File.Exists(hostsFile);
            if (hostsReady)
            {
                var process = NamespacedProcess.Start(KubeletOptions.DefaultDotnetHost(),
                    [image.Assembly, "run", "--kubeconfig", _options.KubeconfigPath, "--all-namespaces", "--leader-election", "false", "--metrics-port", "0"],
                    NamespacedProcess.InheritedEnvironment(), [new BindMount(hostsFile, "/etc/hosts")], [Path.GetDirectoryName(image.Assembly)!],
                    _options.OperatorLogPath, _options.StateDirectory);
                _operator = process;
                _log.LogInformation("Operator started (pid {Pid}), log {Log}", process.Id, _options.OperatorLogPath);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    return;
                }

                _log.LogWarning("Operator exited with code {ExitCode}; restarting it", process.ExitCode);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the operator, every pod's processes, the controllers and the API server.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _stopOperator.CancelAsync().ConfigureAwait(false);
        if (_operator is { HasExited: false } op)
        {
            Signals.Terminate(op.Id);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await op.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                op.Kill();
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A loop cancelled before it started.
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        _log.LogInformation("Local platform down");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _stopOperator.Dispose();
    }
}

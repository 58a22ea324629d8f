using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Raftex.Local.Kubelet;

/// <summary>
/// The local platform's kubelet: registers a Node, binds unscheduled pods to it (there is no scheduler), runs every pod
/// bound to it as real processes of the locally built images on its own 127.x address, reports pod status (phase, IP,
/// conditions, container statuses with restart counts), finalizes deleted pods after stopping their processes
/// (SIGTERM, SIGKILL after the grace period), binds claims, and keeps the hosts file that stands in for cluster DNS.
/// One reconcile loop; watches and process events only wake it up.
/// </summary>
public sealed class ProcessKubelet(IKubernetes client, KubeletOptions options, ILogger<ProcessKubelet>? logger = null) : IAsyncDisposable
{
    private readonly ILogger _log = logger ?? NullLogger<ProcessKubelet>.Instance;
    private readonly ConcurrentDictionary<string, PodSandbox> _sandboxes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PodConditionClock> _clocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _writtenStatus = new(StringComparer.Ordinal);
    private readonly WakeLoop _loop = new(options.ResyncInterval, options.WatchRetryDelay);
    private bool _nodeRegistered;

    /// <summary>The hosts file bound over /etc/hosts of every pod (and of anything else started with <see cref="NamespacedProcess"/>).</summary>
    public string HostsFilePath { get; } = Path.Combine(options.StateDirectory, "hosts");

    /// <summary>Runs until cancelled, then stops every pod's processes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.StateDirectory);
        HostsFile.Write(HostsFilePath, HostsFile.Render([], [], options.ClusterDomain));
        await _loop.RunAsync(ReconcileAsync,
        [
            _loop.Signal(ct => client.CoreV1.WatchListPodForAllNamespacesAsync(cancellationToken: ct)),
            _loop.Signal(ct => client.CoreV1.WatchListServiceForAllNamespacesAsync(cancellationToken: ct)),
            _loop.Signal(ct => client.CoreV1.WatchListConfigMapForAllNamespacesAsync(cancellationToken: ct)),
            _loop.Signal(ct => client.CoreV1.WatchListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: ct)),
        ], cancellationToken).ConfigureAwait(false);
        await StopAllAsync().ConfigureAwait(false);
    }

    /// <summary>Stops every pod's processes (bounded by <see cref="KubeletOptions.ShutdownGracePeriod"/>).</summary>
    public async ValueTask DisposeAsync() => await StopAllAsync().ConfigureAwait(false);

    private async Task StopAllAsync()
    {
        // Clients before servers: pods outside StatefulSets (agents) stop first, so they can finish (cancel their orders)
        // against the exchange nodes that are still up; then the StatefulSet pods.
        var all = _sandboxes.Values.ToList();
        foreach (var wave in all.GroupBy(s => s.Pod.Metadata.OwnerReferences?.Any(o => o.Kind == "StatefulSet") == true).OrderBy(g => g.Key))
        {
            await Task.WhenAll(wave.Select(s => s.TerminateAsync(Grace(s.Pod, options.ShutdownGracePeriod)))).ConfigureAwait(false);
        }

        foreach (var sandbox in all)
        {
            sandbox.RemoveDirectory();
        }

        _sandboxes.Clear();
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        await RegisterNodeAsync(ct).ConfigureAwait(false);
        var pods = (await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items;
        var services = (await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items;
        var configMaps = (await client.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items
            .ToDictionary(m => (m.Metadata.NamespaceProperty, m.Metadata.Name));
        var secrets = (await client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items
            .ToDictionary(s => (s.Metadata.NamespaceProperty, s.Metadata.Name));
        await BindClaimsAsync(ct).ConfigureAwait(false);

        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var uid = pod.Metadata.Uid;
            present.Add(uid);
            if (pod.Spec.NodeName is null)
            {
                if (pod.Metadata.DeletionTimestamp is null)
                {
                    await BindAsync(pod, ct).ConfigureAwait(false);
                }

                continue;
            }

            if (pod.Spec.NodeName != options.NodeName)
            {
                continue;
            }

            _sandboxes.TryGetValue(uid, out var sandbox);
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                if (sandbox is null)
                {
                    await FinalizeAsync(pod, ct).ConfigureAwait(false);
                }
                else if (!sandbox.Terminating)
                {
                    _ = TerminateThenFinalizeAsync(sandbox, Grace(pod, TimeSpan.MaxValue), ct);
                }

                continue;
            }

            if (sandbox is null)
            {
                if (pod.Status?.Phase is "Succeeded" or "Failed")
                {
                    continue;
                }

                sandbox = new PodSandbox(pod, AllocateIp(), options, HostsFilePath, _loop.Wake);
                _sandboxes[uid] = sandbox;
                sandbox.SyncVolumes(configMaps, secrets);
                _log.LogInformation("Starting pod {Namespace}/{Pod} at {PodIp}", pod.Metadata.NamespaceProperty, pod.Metadata.Name, sandbox.Ip);
                sandbox.Start();
            }
            else
            {
                sandbox.Pod = pod;
                sandbox.SyncVolumes(configMaps, secrets);
            }
        }

        foreach (var (uid, sandbox) in _sandboxes)
        {
            if (!present.Contains(uid) && !sandbox.Terminating)
            {
                // Deleted without a grace period (or with its namespace): the processes still get theirs.
                _ = TerminateThenFinalizeAsync(sandbox, Grace(sandbox.Pod, TimeSpan.MaxValue), ct);
            }
        }

        HostsFile.Write(HostsFilePath, HostsFile.Render(
            _sandboxes.Values.Where(s => !s.Terminating).Select(s => (s.Pod, s.Ip, s.Ready)), services, options.ClusterDomain));

        foreach (var sandbox in _sandboxes.Values)
        {
            if (present.Contains(sandbox.Pod.Metadata.Uid))
            {
                await WriteStatusAsync(sandbox, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteStatusAsync(PodSandbox sandbox, CancellationToken ct)
    {
        var uid = sandbox.Pod.Metadata.Uid;
        var clock = _clocks.GetOrAdd(uid, _ => new PodConditionClock());
        var status = KubernetesJson.Serialize(new V1Pod { Status = sandbox.Status(clock) });
        if (_writtenStatus.TryGetValue(uid, out var written) && written == status)
        {
            return;
        }

        try
        {
            await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(status, V1Patch.PatchType.MergePatch),
                sandbox.Pod.Metadata.Name, sandbox.Pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            _writtenStatus[uid] = status;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Gone meanwhile; the next pass stops its processes.
        }
    }

    private async Task TerminateThenFinalizeAsync(PodSandbox sandbox, TimeSpan grace, CancellationToken ct)
    {
        _log.LogInformation("Stopping pod {Namespace}/{Pod} (grace {GraceSeconds} s)", sandbox.Pod.Metadata.NamespaceProperty, sandbox.Pod.Metadata.Name, grace.TotalSeconds);
        await sandbox.TerminateAsync(grace).ConfigureAwait(false);
        sandbox.RemoveDirectory();
        var uid = sandbox.Pod.Metadata.Uid;
        _sandboxes.TryRemove(uid, out _);
        _loop.Wake();
        try
        {
            await FinalizeAsync(sandbox.Pod, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            // The next pass finds the terminating pod without a sandbox and finalizes it.
        }
    }

    private async Task FinalizeAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Already gone, or a new pod of that name.
        }

        _clocks.TryRemove(pod.Metadata.Uid, out _);
        _writtenStatus.TryRemove(pod.Metadata.Uid, out _);
    }

    private async Task BindAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.CreateNamespacedPodBindingAsync(new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty },
                Target = new V1ObjectReference { Kind = "Node", Name = options.NodeName },
            }, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            _loop.Wake();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // Deleted or bound meanwhile.
        }
    }

    private async Task BindClaimsAsync(CancellationToken ct)
    {
        var claims = (await client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items;
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            var ns = claim.Metadata.NamespaceProperty;
            var path = PodSandbox.ClaimPath(options.StateDirectory, ns, claim.Metadata.Name);
            live.Add(path);
            if (claim.Status?.Phase == "Bound")
            {
                continue;
            }

            Directory.CreateDirectory(path);
            var status = new V1PersistentVolumeClaim
            {
                Status = new V1PersistentVolumeClaimStatus
                {
                    Phase = "Bound",
                    AccessModes = claim.Spec?.AccessModes,
                    Capacity = claim.Spec?.Resources?.Requests,
                },
            };
            try
            {
                await client.CoreV1.PatchNamespacedPersistentVolumeClaimStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch),
                    claim.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Deleted meanwhile.
            }
        }

        // A deleted claim's data goes with it (the Delete reclaim policy of a dynamically provisioned volume), unless a pod still mounts it.
        var mounted = _sandboxes.Values.SelectMany(s => s.Pod.Spec.Volumes ?? [])
            .Where(v => v.PersistentVolumeClaim is not null)
            .Select(v => v.PersistentVolumeClaim.ClaimName)
            .ToHashSet(StringComparer.Ordinal);
        var root = Path.Combine(options.StateDirectory, "claims");
        foreach (var dir in Directory.Exists(root) ? Directory.EnumerateDirectories(root).SelectMany(Directory.EnumerateDirectories).ToList() : [])
        {
            if (!live.Contains(dir) && !mounted.Contains(Path.GetFileName(dir)))
            {
                _log.LogInformation("Deleting the data of removed claim {Claim}", dir);
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private async Task RegisterNodeAsync(CancellationToken ct)
    {
        if (_nodeRegistered)
        {
            return;
        }

        try
        {
            await client.CoreV1.CreateNodeAsync(new V1Node
            {
                Metadata = new V1ObjectMeta { Name = options.NodeName, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = options.NodeName } },
                Status = new V1NodeStatus
                {
                    Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }, new V1NodeAddress { Type = "Hostname", Address = options.NodeName }],
                },
            }, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Registered by an earlier run.
        }

        var ready = new V1Node
        {
            Status = new V1NodeStatus
            {
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "raftex process kubelet is running", LastTransitionTime = DateTime.UtcNow }],
                Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }],
                NodeInfo = new V1NodeSystemInfo
                {
                    Architecture = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
                    OperatingSystem = "linux",
                    KubeletVersion = "raftex-local",
                    ContainerRuntimeVersion = "process://dotnet",
                    KernelVersion = Environment.OSVersion.Version.ToString(),
                    OsImage = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                    BootID = string.Empty,
                    MachineID = string.Empty,
                    SystemUUID = string.Empty,
                    KubeProxyVersion = string.Empty,
                },
            },
        };
        await client.CoreV1.PatchNodeStatusAsync(new V1Patch(KubernetesJson.Serialize(ready), V1Patch.PatchType.MergePatch), options.NodeName, cancellationToken: ct).ConfigureAwait(false);
        _nodeRegistered = true;
    }

    private string AllocateIp()
    {
        var used = _sandboxes.Values.Select(s => s.Ip).ToHashSet(StringComparer.Ordinal);
        for (var i = 2; i < 65_535; i++)
        {
            var ip = $"{options.PodNetwork}.{i / 256}.{i % 256}";
            if (i % 256 is not (0 or 255) && !used.Contains(ip))
            {
                return ip;
            }
        }

        throw new InvalidOperationException($"no free pod IP in {options.PodNetwork}.0.0/16");
    }

    private static TimeSpan Grace(V1Pod pod, TimeSpan cap)
    {
        var seconds = pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30;
        var grace = TimeSpan.FromSeconds(Math.Max(1, seconds));
        return grace < cap ? grace : cap;
    }
}

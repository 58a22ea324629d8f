using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Raftex.Local.Kubelet;

/// <summary>
/// One pod on the local node: its loopback IP, its directory (volumes), and one supervised process per container, each
/// in its own mount namespace with the pod's volumes bound at their mount paths and the platform's hosts file as
/// /etc/hosts. Claims live outside the pod directory, so a pod recreated under the same claim finds its data.
/// </summary>
internal sealed partial class PodSandbox
{
    private readonly KubeletOptions _options;
    private readonly string _hostsFile;
    private readonly List<ContainerRunner> _containers = [];
    private IReadOnlyDictionary<(string Namespace, string Name), V1ConfigMap> _configMaps = new Dictionary<(string, string), V1ConfigMap>();
    private IReadOnlyDictionary<(string Namespace, string Name), V1Secret> _secrets = new Dictionary<(string, string), V1Secret>();
    private Task? _termination;

    public PodSandbox(V1Pod pod, string ip, KubeletOptions options, string hostsFile, Action changed)
    {
        Pod = pod;
        Ip = ip;
        _options = options;
        _hostsFile = hostsFile;
        Directory = Path.Combine(options.StateDirectory, "pods", $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{pod.Metadata.Uid}");
        StartedAt = DateTime.UtcNow;
        var restartPolicy = pod.Spec.RestartPolicy ?? "Always";
        foreach (var container in pod.Spec.Containers)
        {
            _containers.Add(new ContainerRunner(container, ip, restartPolicy, () => Launch(container), options, changed));
        }
    }

    public V1Pod Pod { get; set; }

    public string Ip { get; }

    public string Directory { get; }

    public DateTime StartedAt { get; }

    public bool Terminating => _termination is not null;

    public bool Ready => _containers.Count > 0 && _containers.All(c => c.Ready);

    /// <summary>Where container <paramref name="container"/> of pod <paramref name="name"/> logs (kept until the next pod of that name).</summary>
    public static string LogPath(string stateDirectory, string ns, string name, string container) =>
        Path.Combine(stateDirectory, "logs", ns, name, container + ".log");

    /// <summary>The directory of claim <paramref name="claim"/>: it outlives every pod that mounts it.</summary>
    public static string ClaimPath(string stateDirectory, string ns, string claim) => Path.Combine(stateDirectory, "claims", ns, claim);

    /// <summary>Writes the ConfigMap and Secret volumes (again when their data changed) and keeps them for env references.</summary>
    public void SyncVolumes(IReadOnlyDictionary<(string, string), V1ConfigMap> configMaps, IReadOnlyDictionary<(string, string), V1Secret> secrets)
    {
        _configMaps = configMaps;
        _secrets = secrets;
        var ns = Pod.Metadata.NamespaceProperty;
        foreach (var volume in Pod.Spec.Volumes ?? [])
        {
            IEnumerable<KeyValuePair<string, byte[]>>? files = null;
            if (volume.ConfigMap is { } cm && configMaps.TryGetValue((ns, cm.Name), out var map))
            {
                files = (map.Data ?? new Dictionary<string, string>()).Select(kv => KeyValuePair.Create(kv.Key, Encoding.UTF8.GetBytes(kv.Value)));
            }
            else if (volume.Secret is { } sv && secrets.TryGetValue((ns, sv.SecretName), out var secret))
            {
                files = secret.Data ?? new Dictionary<string, byte[]>();
            }

            if (files is null)
            {
                continue;
            }

            var dir = VolumeDirectory(volume.Name);
            System.IO.Directory.CreateDirectory(dir);
            foreach (var (key, content) in files)
            {
                var path = Path.Combine(dir, key);
                if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
                {
                    File.WriteAllBytes(path, content);
                }
            }
        }
    }

    /// <summary>Starts every container (an unknown image is reported, not run).</summary>
    public void Start()
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (runner, spec) in _containers.Zip(Pod.Spec.Containers))
        {
            var log = LogPath(_options.StateDirectory, Pod.Metadata.NamespaceProperty, Pod.Metadata.Name, spec.Name);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(log)!);
            File.WriteAllText(log, string.Empty);
            _options.Images.Find(spec.Image, out var reason);
            runner.Start(reason.Length > 0 ? reason : spec.Command is { Count: > 0 } ? "container command overrides are not supported by the local platform (use args)" : null);
        }
    }

    /// <summary>Stops every container gracefully (once; later calls return the same task).</summary>
    public Task TerminateAsync(TimeSpan grace) => _termination ??= Task.WhenAll(_containers.Select(c => c.StopAsync(grace)));

    /// <summary>Deletes the pod's own directory (volumes other than claims).</summary>
    public void RemoveDirectory()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>The pod status as a kubelet reports it.</summary>
    public V1PodStatus Status(PodConditionClock clock)
    {
        var containers = _containers.Select(c => c.Status()).ToList();
        var allStarted = _containers.All(c => c.Started || c.Finished);
        var ready = !Terminating && Ready;
        string phase;
        if (_containers.All(c => c.Finished) && _containers.Count > 0)
        {
            phase = _containers.All(c => c.LastExitCode == 0) ? "Succeeded" : "Failed";
        }
        else
        {
            phase = allStarted && containers.All(c => c.State?.Waiting?.Reason is null or "CrashLoopBackOff") ? "Running" : "Pending";
        }

        return new V1PodStatus
        {
            Phase = phase,
            HostIP = "127.0.0.1",
            HostIPs = [new V1HostIP { Ip = "127.0.0.1" }],
            PodIP = Ip,
            PodIPs = [new V1PodIP { Ip = Ip }],
            StartTime = StartedAt,
            QosClass = "BestEffort",
            Conditions =
            [
                clock.Condition("PodScheduled", true),
                clock.Condition("Initialized", true),
                clock.Condition("ContainersReady", ready),
                clock.Condition("Ready", ready),
            ],
            ContainerStatuses = containers,
        };
    }

    private string VolumeDirectory(string volume) => Path.Combine(Directory, "volumes", volume);

    private Process Launch(V1Container spec)
    {
        if (_options.Images.Find(spec.Image, out var reason) is not { } image)
        {
            throw new InvalidOperationException(reason);
        }

        var env = Environment(spec);
        var args = new List<string> { image.Assembly };
        args.AddRange((spec.Args is { Count: > 0 } given ? [.. given] : image.DefaultArgs).Select(a => Expand(a, env)));
        var mounts = new List<BindMount> { new(_hostsFile, "/etc/hosts") };
        foreach (var mount in spec.VolumeMounts ?? [])
        {
            mounts.Add(new BindMount(VolumeSource(mount.Name), mount.MountPath));
        }

        return NamespacedProcess.Start(_options.DotnetHost, args, env, mounts, [Path.GetDirectoryName(image.Assembly)!],
            LogPath(_options.StateDirectory, Pod.Metadata.NamespaceProperty, Pod.Metadata.Name, spec.Name), Directory);
    }

    private string VolumeSource(string name)
    {
        var volume = Pod.Spec.Volumes?.FirstOrDefault(v => v.Name == name)
            ?? throw new InvalidOperationException($"volume mount '{name}' names no volume of the pod");
        string path;
        if (volume.PersistentVolumeClaim is { } claim)
        {
            path = ClaimPath(_options.StateDirectory, Pod.Metadata.NamespaceProperty, claim.ClaimName);
        }
        else if (volume.HostPath is { } host)
        {
            path = host.Path;
        }
        else if (volume.EmptyDir is not null || volume.ConfigMap is not null || volume.Secret is not null)
        {
            path = VolumeDirectory(name);
        }
        else
        {
            throw new InvalidOperationException($"volume '{name}': only persistentVolumeClaim, configMap, secret, emptyDir and hostPath volumes are supported by the local platform");
        }

        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    private Dictionary<string, string> Environment(V1Container spec)
    {
        var env = NamespacedProcess.InheritedEnvironment();
        env["HOSTNAME"] = Pod.Spec.Hostname ?? Pod.Metadata.Name;
        foreach (var variable in spec.Env ?? [])
        {
            env[variable.Name] = variable.ValueFrom is { } from ? ValueFrom(from, variable.Name) : Expand(variable.Value ?? string.Empty, env);
        }

        return env;
    }

    private string ValueFrom(V1EnvVarSource from, string name)
    {
        var ns = Pod.Metadata.NamespaceProperty;
        if (from.FieldRef is { } field)
        {
            var path = field.FieldPath;
            var label = FieldKey().Match(path);
            return path switch
            {
                "metadata.name" => Pod.Metadata.Name,
                "metadata.namespace" => ns,
                "metadata.uid" => Pod.Metadata.Uid,
                "spec.nodeName" => _options.NodeName,
                "spec.serviceAccountName" => Pod.Spec.ServiceAccountName ?? "default",
                "status.podIP" => Ip,
                "status.hostIP" => "127.0.0.1",
                _ when label.Success && label.Groups[1].Value == "labels" => (Pod.Metadata.Labels is { } labels && labels.TryGetValue(label.Groups[2].Value, out var l) ? l : string.Empty),
                _ when label.Success => (Pod.Metadata.Annotations is { } notes && notes.TryGetValue(label.Groups[2].Value, out var n) ? n : string.Empty),
                _ => throw new InvalidOperationException($"env {name}: fieldRef {path} is not supported by the local platform"),
            };
        }

        if (from.ConfigMapKeyRef is { } cmRef)
        {
            return _configMaps.TryGetValue((ns, cmRef.Name), out var map) && map.Data?.TryGetValue(cmRef.Key, out var v) == true
                ? v
                : cmRef.Optional == true ? string.Empty : throw new InvalidOperationException($"env {name}: ConfigMap {cmRef.Name} has no key {cmRef.Key}");
        }

        if (from.SecretKeyRef is { } secretRef)
        {
            return _secrets.TryGetValue((ns, secretRef.Name), out var secret) && secret.Data?.TryGetValue(secretRef.Key, out var v) == true
                ? Encoding.UTF8.GetString(v)
                : secretRef.Optional == true ? string.Empty : throw new InvalidOperationException($"env {name}: Secret {secretRef.Name} has no key {secretRef.Key}");
        }

        throw new InvalidOperationException($"env {name}: only fieldRef, configMapKeyRef and secretKeyRef are supported by the local platform");
    }

    /// <summary>Kubernetes' <c>$(VAR)</c> expansion of earlier variables; <c>$$</c> escapes, unknown references stay as written.</summary>
    internal static string Expand(string value, IReadOnlyDictionary<string, string> env) =>
        Reference().Replace(value, m => m.Value == "$$" ? "$" : env.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [GeneratedRegex(@"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']+)'\]$")]
    private static partial Regex FieldKey();
}

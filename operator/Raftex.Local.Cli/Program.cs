using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Raftex.Local;
using Raftex.Local.Cli;
using Raftex.Local.Kubelet;

const string Usage = """
    usage: raftex local <up|down|run> [options]
      up     start the local platform in the background; returns once it serves (prints how to use kubectl)
      down   stop it: the operator, every pod's processes, the controllers and the API server
      run    run it in the foreground until SIGTERM or Ctrl-C (what `up` starts)
    options:
      --state DIR            state directory: kubeconfig, hosts file, pods, claims, logs (default .raftex-local)
      --api-port N           API server port on 127.0.0.1 (default 16443)
      --pod-network 127.X    pod IPs come from 127.X.0.0/16 (default 127.77)
      --root DIR             repository whose built node, agents and operator run as the images (default: found above raftex.dll)
      --configuration NAME   build configuration of those executables (default Release)
      --timeout-seconds N    how long up waits for the platform and down for it to stop (default 60)
    """;

if (args.Length < 2 || args[0] != "local")
{
    Console.Error.WriteLine(Usage);
    return 2;
}

LocalCommandOptions options;
try
{
    options = LocalCommandOptions.Parse(args[2..]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"raftex local {args[1]}: {e.Message}");
    return 2;
}

switch (args[1])
{
    case "up":
        return await UpAsync(options);
    case "down":
        return await DownAsync(options);
    case "run":
        return await RunAsync(options);
    default:
        Console.Error.WriteLine($"raftex local: unknown command '{args[1]}'");
        Console.Error.WriteLine(Usage);
        return 2;
}

static int? RunningPid(LocalCommandOptions options)
{
    if (!File.Exists(options.PidFile) || !int.TryParse(File.ReadAllText(options.PidFile).Trim(), out var pid))
    {
        return null;
    }

    try
    {
        using var process = Process.GetProcessById(pid);
        return process.HasExited ? null : pid;
    }
    catch (ArgumentException)
    {
        return null;
    }
}

static async Task<int> UpAsync(LocalCommandOptions options)
{
    if (RunningPid(options) is { } running)
    {
        Console.Error.WriteLine($"raftex local up: already running (pid {running}) with state {options.StateDirectory}; stop it first: raftex local down --state {options.StateDirectory}");
        return 1;
    }

    // The API server keeps its objects in memory, so a new platform starts from nothing: old pods, claims and logs go too.
    foreach (var dir in new[] { "pods", "claims", "logs" })
    {
        var path = Path.Combine(options.StateDirectory, dir);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    Directory.CreateDirectory(options.StateDirectory);
    foreach (var file in new[] { "ready", "hosts", "kubeconfig", "platform.pid" })
    {
        File.Delete(Path.Combine(options.StateDirectory, file));
    }

    Directory.CreateDirectory(Path.GetDirectoryName(options.LogFile)!);
    var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
    foreach (var a in new[] { "-c", "log=\"$1\"; shift; exec setsid \"$@\" >>\"$log\" 2>&1 </dev/null", "raftex-up", options.LogFile, KubeletOptions.DefaultDotnetHost(), Path.Combine(AppContext.BaseDirectory, "raftex.dll") })
    {
        start.ArgumentList.Add(a);
    }

    foreach (var a in options.RunArguments())
    {
        start.ArgumentList.Add(a);
    }

    using var child = Process.Start(start)!;
    var ready = Path.Combine(options.StateDirectory, "ready");
    var deadline = DateTime.UtcNow + options.Timeout;
    while (!File.Exists(ready))
    {
        if (child.HasExited || DateTime.UtcNow > deadline)
        {
            Console.Error.WriteLine(child.HasExited
                ? $"raftex local up: the platform exited with code {child.ExitCode}; its log ({options.LogFile}) ends:"
                : $"raftex local up: the platform did not come up within {options.Timeout.TotalSeconds:F0} s; its log ({options.LogFile}) ends:");
            foreach (var line in File.Exists(options.LogFile) ? File.ReadLines(options.LogFile).TakeLast(20) : [])
            {
                Console.Error.WriteLine("  " + line);
            }

            if (!child.HasExited)
            {
                Signals.Terminate(child.Id);
            }

            return 1;
        }

        await Task.Delay(100);
    }

    Console.WriteLine($"""
        raftex local platform is up (pid {child.Id}, API server http://127.0.0.1:{options.ApiPort}, pods on {options.PodNetwork}.0.0/16)
          export KUBECONFIG={options.Kubeconfig}
          kubectl apply -f crds/ && kubectl get nodes,pods
        logs: {options.StateDirectory}/logs (a pod's: kubectl logs POD; the operator's: logs/operator.log; the platform's: logs/platform.log)
        stop: raftex local down{(options.StateDirectory == Path.GetFullPath(".raftex-local") ? string.Empty : " --state " + options.StateDirectory)}
        """);
    return 0;
}

static async Task<int> DownAsync(LocalCommandOptions options)
{
    if (RunningPid(options) is not { } pid)
    {
        Console.WriteLine($"raftex local down: not running (state {options.StateDirectory})");
        return 0;
    }

    using var process = Process.GetProcessById(pid);
    Signals.Terminate(pid);
    using var wait = new CancellationTokenSource(options.Timeout);
    try
    {
        await process.WaitForExitAsync(wait.Token);
        Console.WriteLine($"raftex local down: stopped (pid {pid})");
        return 0;
    }
    catch (OperationCanceledException)
    {
        process.Kill(entireProcessTree: true);
        Console.Error.WriteLine($"raftex local down: pid {pid} did not stop within {options.Timeout.TotalSeconds:F0} s and was killed; see {options.LogFile}");
        return 1;
    }
}

static async Task<int> RunAsync(LocalCommandOptions options)
{
    using var logs = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }).SetMinimumLevel(LogLevel.Information));
    var stop = new TaskCompletionSource();
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
    Directory.CreateDirectory(options.StateDirectory);
    File.WriteAllText(options.PidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    LocalPlatform platform;
    try
    {
        platform = await LocalPlatform.StartAsync(new LocalPlatformOptions
        {
            StateDirectory = options.StateDirectory,
            ApiPort = options.ApiPort,
            PodNetwork = options.PodNetwork,
            Images = ImageCatalog.ForRepository(options.RepositoryRoot, options.Configuration),
        }, logs);
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"raftex local run: {e.Message}");
        File.Delete(options.PidFile);
        return 1;
    }

    File.WriteAllText(Path.Combine(options.StateDirectory, "ready"), platform.ApiUrl.ToString());
    await stop.Task;
    await platform.DisposeAsync();
    File.Delete(Path.Combine(options.StateDirectory, "ready"));
    File.Delete(options.PidFile);
    return 0;
}

using System.Diagnostics;
using System.Text;
using Grpc.Net.Client;
using Raftex.Client;
using Raftex.Protocol.V1;
using Raftex.Testing;

namespace Raftex.Backup.Tests;

/// <summary>
/// One raftex-node process of the build bootstrapped as a sole voter on 127.0.0.1, with a temporary data directory;
/// killed and its directory removed on dispose.
/// </summary>
internal sealed class SingleNode : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataDir = Directory.CreateTempSubdirectory("raftex-backup-node-").FullName;
    private readonly int _client = LoopbackPorts.Reserve();
    private readonly int _admin = LoopbackPorts.Reserve();
    private readonly GrpcChannel _adminChannel;

    public SingleNode(string clusterId, IEnumerable<string> extraArgs, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (IEnumerable<string>)
        [
            NodeBinary.Path, "--node-id", "1", "--cluster-id", clusterId, "--bootstrap",
            "--client-listen", $"127.0.0.1:{_client}", "--peer-listen", $"127.0.0.1:{LoopbackPorts.Reserve()}",
            "--admin-listen", $"127.0.0.1:{_admin}", "--http-listen", $"127.0.0.1:{LoopbackPorts.Reserve()}",
            "--data-dir", _dataDir, "--heartbeat-ms", "50", "--election-ms", "500", .. extraArgs,
        ])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start raftex-node");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _adminChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{_admin}");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public Admin.AdminClient AdminStub => new(_adminChannel);

    public ExchangeClient Exchange() => new(new ExchangeClientOptions { Addresses = [$"127.0.0.1:{_client}"] });

    public async Task<NodeStatus?> StatusAsync()
    {
        using var admin = AdminClient.Connect(new Uri($"http://127.0.0.1:{_admin}"), TimeSpan.FromSeconds(2));
        var result = await admin.GetStatusAsync();
        return result.IsOk ? result.Value : null;
    }

    /// <summary>Waits until the node is ready with at least <paramref name="index"/> applied; fails at once if it exits.</summary>
    public async Task<NodeStatus> WaitReadyAsync(long index = 0)
    {
        NodeStatus? status = null;
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"raftex-node exited with {_process.ExitCode}: {Output}");
            }

            status = await StatusAsync();
            return status is { Ready: true } && (long)status.AppliedIndex >= index;
        }, $"the node is ready at index {index}", TimeSpan.FromSeconds(60));
        return status!;
    }

    /// <summary>Waits (bounded) for the process to exit and for its output to be read to the end; returns the exit code.</summary>
    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"raftex-node did not exit: {Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        _adminChannel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

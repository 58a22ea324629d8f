using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Raftex.Testing;

/// <summary>
/// A real S3-compatible server (s3rver, installed by tools/s3-server.sh) on 127.0.0.1 with one bucket, its objects in a
/// temporary directory; stopped and removed on dispose. Linked into the test and bench projects that need a store.
/// </summary>
internal sealed class S3Server : IAsyncDisposable
{
    /// <summary>s3rver's built-in account.</summary>
    public const string AccessKeyId = "S3RVER";

    public const string SecretAccessKey = "S3RVER";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _directory;

    private S3Server(Process process, string directory, int port, string bucket)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Bucket = bucket;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public string Bucket { get; }

    public Uri Endpoint { get; }

    /// <summary>What the server printed (its errors, when it did not come up).</summary>
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

    /// <summary>The store location for a prefix in this server's bucket, as <c>BackupStores.Open</c> takes it.</summary>
    public string LocationFor(string prefix) => $"s3://{Bucket}/{prefix}?endpoint={Uri.EscapeDataString(Endpoint.AbsoluteUri)}&region=us-east-1&pathStyle=true";

    /// <summary>Starts the server (installing it on first use) and waits until it accepts connections.</summary>
    public static async Task<S3Server> StartAsync(string bucket = "raftex", TimeSpan? timeout = null)
    {
        var script = Path.Combine(RepositoryRoot(), "tools", "s3-server.sh");
        var directory = Directory.CreateTempSubdirectory("raftex-s3-").FullName;
        var port = LoopbackPorts.Reserve();
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--configure-bucket", bucket })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {script}");
        var server = new S3Server(process, directory, port, bucket);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The first start installs s3rver from the npm registry, which takes a while on a fresh clone.
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"s3rver exited with {process.ExitCode} before listening on 127.0.0.1:{port}: {server.Output}");
                }

                return await AcceptsAsync(port).ConfigureAwait(false);
            }, $"s3rver listens on 127.0.0.1:{port}", timeout ?? TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"no Cluster.sln above {AppContext.BaseDirectory}");
    }
}

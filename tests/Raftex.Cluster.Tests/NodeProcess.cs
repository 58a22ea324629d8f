using System.Diagnostics;
using System.Text;

namespace Raftex.Cluster.Tests;

/// <summary>One raftex-node process (or another program of the build) started from the built output, with its output kept for diagnostics.</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process)
    {
        _process = process;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    public static NodeProcess Start(IEnumerable<string> args) => Start(NodeBinary.Path, args);

    /// <summary>Starts another program of the build (e.g. raftex-agents) the same way, from its <paramref name="dll"/>.</summary>
    public static NodeProcess Start(string dll, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DOTNET_TieredPGO"] = "0";
        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info };
        var node = new NodeProcess(process);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
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

    /// <summary>SIGKILL: no flush, no hand-off.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, then wait (bounded) for a clean exit.</summary>
    public bool Terminate(TimeSpan wait)
    {
        if (_process.HasExited)
        {
            return true;
        }

        _ = Signals.Kill(_process.Id, Signals.SigTerm);
        return _process.WaitForExit(wait);
    }

    /// <summary>Waits (bounded) for the process to exit; once it has, also for its redirected output to be read to the end.</summary>
    public bool WaitForExit(TimeSpan wait)
    {
        if (!_process.WaitForExit(wait))
        {
            return false;
        }

        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}

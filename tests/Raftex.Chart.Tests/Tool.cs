using System.Diagnostics;

namespace Raftex.Chart.Tests;

/// <summary>Runs the external tools the chart checks use, each fetched by its script under tools/ on first use.</summary>
internal static class Tool
{
    /// <summary>Runs tools/<paramref name="script"/>, which fetches its tool if needed and prints its path.</summary>
    public static string Fetch(string script)
    {
        var (code, output, error) = Run("bash", [Repo.At("tools", script)]);
        return code == 0 ? output.Trim() : throw new InvalidOperationException($"tools/{script} failed ({code}): {error}");
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> in <paramref name="directory"/> (default: the repository root).</summary>
    public static (int Code, string Output, string Error) Run(string file, IEnumerable<string> args, string? directory = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory ?? Repo.Root };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}

using System.Diagnostics;

namespace Raftex.Local.Kubelet;

/// <summary>
/// Starts a process in its own mount namespace (<c>unshare --mount</c>, plus a user namespace when not root) with host
/// directories bound over the paths the pod spec mounts (its claim at the data path, its ConfigMap, its emptyDirs) and
/// the platform's hosts file over <c>/etc/hosts</c>, which is how pod and Service names resolve for every program,
/// unchanged, as a kubelet-managed /etc/hosts and cluster DNS do in Kubernetes. Output goes straight to a log file, so it
/// outlives the kubelet. The process is the launched program itself (the wrapper <c>exec</c>s), so signals reach it.
/// </summary>
public static class NamespacedProcess
{
    // Opens the log first, binds the pairs before "--", then runs the rest with stdout and stderr on the log.
    private const string Script = """
        exec 3>>"$1"; shift
        while [ "$1" != "--" ]; do
          if [ ! -e "$2" ]; then mkdir -p "$2" || { echo "raftex kubelet: cannot create mount point $2" >&3; exit 126; }; fi
          mount --bind "$1" "$2" || { echo "raftex kubelet: cannot bind $1 over $2" >&3; exit 126; }
          shift 2
        done
        shift
        exec "$@" >&3 2>&3 3>&- </dev/null
        """;

    private static readonly string[] InheritedVariables = ["PATH", "HOME", "LANG", "LC_ALL", "USER", "TERM"];

    private static readonly bool IsRoot = Environment.UserName == "root";

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="args"/>; <paramref name="environment"/> replaces the
    /// inherited one. A mount over a directory holding one of <paramref name="visible"/> (the program's files) or a
    /// mount source is skipped: the host's directory, writable here unlike a container's root, stays in its place.
    /// </summary>
    public static Process Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, IEnumerable<BindMount> mounts, IEnumerable<string> visible, string logFile, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentNullException.ThrowIfNull(visible);
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var start = new ProcessStartInfo("unshare") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var a in Prefix())
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("/bin/sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add("raftex-pod");
        start.ArgumentList.Add(logFile);
        var list = mounts.ToList();
        var keep = list.Select(m => m.Source).Concat(visible).ToList();
        foreach (var mount in list.Where(m => !keep.Any(k => IsUnder(k, m.Target))))
        {
            start.ArgumentList.Add(mount.Source);
            start.ArgumentList.Add(mount.Target);
        }

        start.ArgumentList.Add("--");
        start.ArgumentList.Add(fileName);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("unshare did not start");
    }

    /// <summary>What a launched process inherits from this one: PATH, HOME, locale and the DOTNET_* settings, nothing else.</summary>
    public static Dictionary<string, string> InheritedEnvironment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var name = (string)e.Key;
            if (InheritedVariables.Contains(name) || name.StartsWith("DOTNET_", StringComparison.Ordinal))
            {
                env[name] = (string?)e.Value ?? string.Empty;
            }
        }

        return env;
    }

    /// <summary>Checks once that mount namespaces are available here; the error says what is missing.</summary>
    public static async Task<string?> CheckAsync(CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in Prefix())
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("true");
        try
        {
            using var probe = Process.Start(start)!;
            var error = await probe.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await probe.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return probe.ExitCode == 0 ? null : $"`unshare {string.Join(' ', Prefix())} true` failed ({error.Trim()}): the local platform needs mount namespaces (run as root, or allow unprivileged user namespaces)";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot run unshare ({e.Message}): the local platform needs util-linux's unshare on Linux";
        }
    }

    private static string[] Prefix() => IsRoot
        ? ["--mount", "--propagation", "private", "--"]
        : ["--user", "--map-root-user", "--mount", "--propagation", "private", "--"];

    private static bool IsUnder(string path, string directory) =>
        path.StartsWith(directory.TrimEnd('/') + "/", StringComparison.Ordinal);
}

using System.Net;
using System.Net.Sockets;

namespace Raftex.Testing;

/// <summary>
/// Ports for the servers that tests and benchmarks start on 127.0.0.1. They come from below the kernel's ephemeral range
/// (32768–60999 on Linux), so no outbound connection can be given one between choosing it and the server binding it —
/// which binding port 0 and releasing it cannot promise once many processes open connections.
/// </summary>
internal static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;

    // Spread concurrent processes over the range by their pid.
    private static int _next = Environment.ProcessId * 7919 % Count;

    /// <summary>A port in 20000–31999 that nothing on 127.0.0.1 is bound to right now.</summary>
    public static int Reserve()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}–{First + Count - 1}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Raftex.Client;

/// <summary>gRPC channels to the nodes a client knows, keyed by address, with the bearer token attached to every call.</summary>
internal sealed class NodeChannels : IDisposable
{
    private readonly ExchangeClientOptions _options;
    private readonly ConcurrentDictionary<string, (GrpcChannel[] Channels, CallInvoker[] Invokers)> _byAddress = new(StringComparer.Ordinal);
    private readonly List<string> _addresses;
    private int _next;

    public NodeChannels(ExchangeClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Addresses.Count == 0)
        {
            throw new ArgumentException("at least one node address is required", nameof(options));
        }

        _options = options;
        _addresses = [.. options.Addresses.Select(Normalize)];
    }

    public IReadOnlyList<string> Addresses
    {
        get
        {
            lock (_addresses)
            {
                return [.. _addresses];
            }
        }
    }

    /// <summary>The address that should be tried next (round robin over known nodes).</summary>
    public string NextAddress()
    {
        lock (_addresses)
        {
            _next = (_next + 1) % _addresses.Count;
            return _addresses[_next];
        }
    }

    public CallInvoker Invoker(string address)
    {
        address = Normalize(address);
        lock (_addresses)
        {
            if (!_addresses.Contains(address))
            {
                _addresses.Add(address);
            }
        }

        var entry = _byAddress.GetOrAdd(address, a =>
        {
            var channels = new GrpcChannel[Math.Max(1, _options.ConnectionsPerNode)];
            var invokers = new CallInvoker[channels.Length];
            for (var i = 0; i < channels.Length; i++)
            {
                channels[i] = GrpcChannel.ForAddress(a, new GrpcChannelOptions
                {
                    HttpHandler = new SocketsHttpHandler
                    {
                        EnableMultipleHttp2Connections = true,
                        ConnectTimeout = TimeSpan.FromSeconds(2),
                        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                        KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                        KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                    },
                });
                invokers[i] = _options.Token is { } token
                    ? channels[i].CreateCallInvoker().Intercept(metadata =>
                    {
                        metadata.Add("authorization", "Bearer " + token);
                        return metadata;
                    })
                    : channels[i].CreateCallInvoker();
            }

            return (channels, invokers);
        });
        return entry.Invokers[Random.Shared.Next(entry.Invokers.Length)];
    }

    public static string Normalize(string address) =>
        address.StartsWith("http://", StringComparison.Ordinal) || address.StartsWith("https://", StringComparison.Ordinal) ? address : "http://" + address;

    public void Dispose()
    {
        foreach (var (channels, _) in _byAddress.Values)
        {
            foreach (var c in channels)
            {
                c.Dispose();
            }
        }
    }
}

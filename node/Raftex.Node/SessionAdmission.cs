using Grpc.Core;

namespace Raftex.Node;

/// <summary>
/// Admits new order-session registrations on the leader within two limits. The cluster-wide one counts the live sessions
/// of the replicated state plus the registrations in flight, so it holds across leader changes. The per-token one counts
/// the sessions this node registered for a token that are still live; a token's count starts afresh on a new leader (its
/// older sessions are still bounded by the cluster-wide limit and expire after the session timeout).
/// </summary>
internal sealed class SessionAdmission(RaftHost host, NodeOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenSessions> _tokens = new(StringComparer.Ordinal);
    private int _registering;

    /// <summary>Registers a session through <paramref name="register"/> if both limits allow; RESOURCE_EXHAUSTED naming the limit otherwise.</summary>
    public async Task<ulong> RegisterAsync(string? token, Func<CancellationToken, Task<ulong>> register, CancellationToken cancellationToken)
    {
        var sessions = token is null ? null : await LiveSessionsOfAsync(token, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (host.Applier.SessionCount + _registering >= options.MaxSessions)
            {
                throw Exhausted($"the cluster-wide limit of {options.MaxSessions} live order sessions (--max-sessions) is reached; resume an existing session or wait for idle ones to expire");
            }

            if (sessions is not null && sessions.Ids.Count + sessions.Registering >= options.MaxSessionsPerToken)
            {
                throw Exhausted($"the limit of {options.MaxSessionsPerToken} live order sessions per client token (--max-sessions-per-token) is reached; resume an existing session or wait for idle ones to expire");
            }

            _registering++;
            if (sessions is not null)
            {
                sessions.Registering++;
            }
        }

        ulong id = 0;
        try
        {
            id = await register(cancellationToken).ConfigureAwait(false);
            return id;
        }
        finally
        {
            lock (_gate)
            {
                _registering--;
                if (sessions is not null)
                {
                    sessions.Registering--;
                    if (id != 0)
                    {
                        sessions.Ids.Add((long)id);
                    }
                }
            }
        }
    }

    /// <summary>The token's record, with the sessions that expired since dropped (checked against the applied state).</summary>
    private async Task<TokenSessions> LiveSessionsOfAsync(string token, CancellationToken cancellationToken)
    {
        TokenSessions sessions;
        long[] known;
        lock (_gate)
        {
            if (!_tokens.TryGetValue(token, out sessions!))
            {
                _tokens[token] = sessions = new TokenSessions();
            }

            known = [.. sessions.Ids];
        }

        if (known.Length < options.MaxSessionsPerToken)
        {
            return sessions;
        }

        var expired = await host.ReadAsync(stale: true, (machine, _) => known.Where(id => !machine.HasSession(id)).ToHashSet(), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            sessions.Ids.RemoveWhere(expired.Contains);
        }

        return sessions;
    }

    private static RpcException Exhausted(string message) => new(new Status(StatusCode.ResourceExhausted, message));

    private sealed class TokenSessions
    {
        public HashSet<long> Ids { get; } = [];

        public int Registering { get; set; }
    }
}

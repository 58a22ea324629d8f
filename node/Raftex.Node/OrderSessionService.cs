using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>The OrderSession stream: hosted only by the leader; a follower answers with a redirect naming the leader.</summary>
internal sealed class OrderSessionService(
    RaftHost host, WriteRouter router, CommandFactory commands, TokenAuthority auth, PeerDirectory directory, SessionAdmission admission, NodeOptions options)
    : OrderSession.OrderSessionBase
{
    public override async Task Open(IAsyncStreamReader<SessionRequest> requestStream, IServerStreamWriter<SessionEvent> responseStream, ServerCallContext context)
    {
        var accounts = auth.Lookup(context);
        var ct = context.CancellationToken;
        var view = host.View;
        if (!view.IsLeader)
        {
            var address = view.Leader == 0 ? string.Empty : directory.ClientAddress(view.Leader) ?? string.Empty;
            await responseStream.WriteAsync(new SessionEvent
            {
                Redirect = new SessionRedirect
                {
                    LeaderId = (ulong)view.Leader,
                    LeaderAddress = address,
                    Reason = view.Leader == 0 ? "no leader known" : $"node {options.NodeId} is not the leader; sessions are hosted by the leader",
                },
            }, ct).ConfigureAwait(false);
            return;
        }

        if (host.DiskFullRefusal() is { } full)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, full.Detail));
        }

        var leadership = host.LeadershipToken;
        if (!await requestStream.MoveNext(ct).ConfigureAwait(false))
        {
            return;
        }

        if (requestStream.Current.KindCase != SessionRequest.KindOneofCase.Hello)
        {
            throw CommandFactory.Invalid("the first message of a session must be hello");
        }

        var sessionId = requestStream.Current.Hello.SessionId;
        if (sessionId > long.MaxValue)
        {
            throw CommandFactory.Invalid("session_id must be below 2^63");
        }

        if (sessionId == 0)
        {
            sessionId = await admission.RegisterAsync(
                auth.ClientToken(context), async c => (await router.ProposeAsync(CommandFactory.RegisterSession(), c).ConfigureAwait(false)).OrderId, ct).ConfigureAwait(false);
        }
        else if (!await host.ReadAsync(stale: false, (machine, _) => machine.HasSession((long)sessionId), ct).ConfigureAwait(false))
        {
            // Checked at a linearizable read point, so a session registered under an earlier leader is found.
            throw new RpcException(new Status(StatusCode.NotFound, $"session {sessionId} is not registered or has expired; open a new session (session_id 0)"));
        }

        var session = new OrderSessionHost();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, leadership, session.Aborted);
        session.Events.TryWrite(new SessionEvent { Opened = new SessionOpened { SessionId = sessionId, Credit = (uint)options.SessionCredit, LeaderId = (ulong)options.NodeId } });
        var writer = session.Events.RunAsync(responseStream, linked.Token);
        var reader = ReadCommandsAsync(requestStream, session, (long)sessionId, accounts, linked.Token);
        try
        {
            await Task.WhenAny(writer, reader).ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            // The client half-closed: let outstanding reports drain before ending.
            while (session.Outstanding > 0 && !linked.IsCancellationRequested)
            {
                await Task.Delay(Math.Max(1, options.HeartbeatMs / 4), linked.Token).ConfigureAwait(false);
            }

            session.Events.Complete();
            await writer.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            if (session.AbortStatus is { } status)
            {
                throw new RpcException(status);
            }

            throw new RpcException(host.DiskFullRefusal() is { } refusal
                ? new Status(StatusCode.Unavailable, refusal.Detail)
                : new Status(StatusCode.Unavailable, "this node stopped leading; reconnect to the new leader and resend unreported commands"));
        }
    }

    private async Task ReadCommandsAsync(IAsyncStreamReader<SessionRequest> requestStream, OrderSessionHost session, long sessionId, HashSet<ulong>? accounts, CancellationToken ct)
    {
        while (await requestStream.MoveNext(ct).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            if (request.KindCase != SessionRequest.KindOneofCase.Command)
            {
                throw CommandFactory.Invalid("only commands may follow hello");
            }

            var command = request.Command;
            byte[] bytes;
            try
            {
                TokenAuthority.Check(accounts, CommandFactory.AccountOf(command));
                bytes = commands.Session(command, sessionId);
            }
            catch (RpcException ex)
            {
                session.Refuse(command.Sequence, ex.StatusCode, ex.Status.Detail);
                continue;
            }

            if (session.Outstanding >= options.SessionCredit)
            {
                session.Refuse(command.Sequence, StatusCode.ResourceExhausted, $"credit window of {options.SessionCredit} outstanding commands exceeded");
                continue;
            }

            session.Sent();
            if (host.TryPropose(bytes, new SessionWaiter(command.Sequence, session)) is { } refused)
            {
                session.Report(new SessionEvent { Report = new ExecutionReport { Sequence = command.Sequence, ErrorCode = (uint)refused.StatusCode, ErrorMessage = refused.Detail } });
            }
        }
    }
}

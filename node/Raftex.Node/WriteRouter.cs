using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>Where a client write goes: proposed here when this node leads, forwarded to the leader otherwise, refused when no leader is known.</summary>
internal sealed class WriteRouter(RaftHost host, Forwarder forwarder, NodeOptions options)
{
    public async Task<CommandReply> ExecuteAsync(byte[] command, CancellationToken cancellationToken)
    {
        if (host.DiskFullRefusal() is { } refused)
        {
            // A node that cannot persist takes no writes, not even to forward: the client moves to a healthy node.
            throw new RpcException(refused);
        }

        var view = await LeaderViewAsync(cancellationToken).ConfigureAwait(false);
        if (view.IsLeader)
        {
            return await ProposeAsync(command, cancellationToken).ConfigureAwait(false);
        }

        return await forwarder.ForwardAsync(view.Leader, command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Proposes on this node (which must lead); completes when applied.</summary>
    public async Task<CommandReply> ProposeAsync(byte[] command, CancellationToken cancellationToken)
    {
        var waiter = new TaskWaiter();
        if (host.TryPropose(command, waiter) is { } refused)
        {
            throw new RpcException(refused);
        }

        return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits (up to two election timeouts, within the caller's deadline) for a leader to be known.</summary>
    public async Task<RaftView> LeaderViewAsync(CancellationToken cancellationToken)
    {
        var view = host.View;
        if (view.Leader != 0)
        {
            return view;
        }

        var deadline = DateTime.UtcNow.AddMilliseconds(options.ElectionMs * 2.0);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(Math.Max(1, options.HeartbeatMs / 2), cancellationToken).ConfigureAwait(false);
            view = host.View;
            if (view.Leader != 0)
            {
                return view;
            }
        }

        throw new RpcException(new Status(StatusCode.Unavailable, "no leader known (election in progress or this node is cut off); retry with the same ids"));
    }
}

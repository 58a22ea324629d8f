using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>The peer plane: inbound Raft batches and writes forwarded by followers.</summary>
internal sealed class PeerService(PeerTransport transport, RaftHost host, WriteRouter router) : Peer.PeerBase
{
    public override async Task<RaftStreamEnd> Raft(IAsyncStreamReader<RaftBatch> requestStream, ServerCallContext context)
    {
        var checkedHeader = false;
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var batch = requestStream.Current;
            // The first batch proves who is on the other end; later ones must keep claiming the same identity.
            if (!checkedHeader || batch.Header is null)
            {
                if (transport.Check(batch.Header, context.RequestHeaders) is { } refusal)
                {
                    transport.LogRefusal(refusal);
                    throw new RpcException(refusal);
                }

                checkedHeader = true;
            }

            transport.Receive(batch);
        }

        return new RaftStreamEnd();
    }

    public override async Task Forward(IAsyncStreamReader<ForwardRequest> requestStream, IServerStreamWriter<ForwardReply> responseStream, ServerCallContext context)
    {
        var replies = new StreamWriterLoop<ForwardReply>();
        var writer = replies.RunAsync(responseStream, context.CancellationToken);
        var checkedHeader = false;
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                if (!checkedHeader)
                {
                    if (transport.Check(request.Header, context.RequestHeaders) is { } refusal)
                    {
                        transport.LogRefusal(refusal);
                        throw new RpcException(refusal);
                    }

                    checkedHeader = true;
                }

                var id = request.RequestId;
                if (!host.View.IsLeader)
                {
                    replies.TryWrite(new ForwardReply { RequestId = id, ErrorCode = (uint)StatusCode.Unavailable, ErrorMessage = "forwarded to a node that no longer leads" });
                    continue;
                }

                var command = request.Command.ToByteArray();
                if (CommandFactory.ForwardRefusal(command) is { } malformed)
                {
                    // Refused before it is proposed: nothing without a definite outcome is ever committed.
                    replies.TryWrite(new ForwardReply { RequestId = id, ErrorCode = (uint)StatusCode.InvalidArgument, ErrorMessage = malformed });
                    continue;
                }

                _ = Complete(id, command, replies, context.CancellationToken);
            }
        }
        finally
        {
            replies.Complete();
        }

        await writer.ConfigureAwait(false);
    }

    private async Task Complete(ulong id, byte[] command, StreamWriterLoop<ForwardReply> replies, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await router.ProposeAsync(command, cancellationToken).ConfigureAwait(false);
            replies.TryWrite(new ForwardReply { RequestId = id, Reply = reply });
        }
        catch (RpcException ex)
        {
            replies.TryWrite(new ForwardReply { RequestId = id, ErrorCode = (uint)ex.StatusCode, ErrorMessage = ex.Status.Detail });
        }
        catch (OperationCanceledException)
        {
            replies.TryWrite(new ForwardReply { RequestId = id, ErrorCode = (uint)StatusCode.Cancelled, ErrorMessage = "cancelled" });
        }
    }
}

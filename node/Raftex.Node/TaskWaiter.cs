using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>A waiter a request handler awaits.</summary>
internal sealed class TaskWaiter : ProposalWaiter
{
    private readonly TaskCompletionSource<CommandReply> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<CommandReply> Task => _tcs.Task;

    public override void Complete(CommandReply reply) => _tcs.TrySetResult(reply);

    public override void Fail(StatusCode code, string message) => _tcs.TrySetException(new RpcException(new Status(code, message)));
}

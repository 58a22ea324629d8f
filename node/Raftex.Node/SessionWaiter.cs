using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Node;

/// <summary>Completes one session command by queueing its execution report on the session's stream.</summary>
internal sealed class SessionWaiter(ulong sequence, OrderSessionHost session) : ProposalWaiter
{
    public override void Complete(CommandReply reply) =>
        session.Report(new SessionEvent { Report = new ExecutionReport { Sequence = sequence, Reply = reply } });

    public override void Fail(StatusCode code, string message) => session.Abort(code, message);
}

namespace Raftex.Node;

/// <summary>One command waiting in the bounded proposal queue: encoded bytes whose log time the leader stamps.</summary>
internal readonly record struct Proposal(byte[] Command, ProposalWaiter Waiter);

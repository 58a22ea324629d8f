using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Tests.Planning;

public sealed class QuorumAssessmentTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    private static MemberObservation Up(ulong id, ulong lastIndex, ulong lastTerm, ulong leader = 0, ulong[]? voters = null)
    {
        var status = new NodeStatus { NodeId = id, LastIndex = lastIndex, LastTerm = lastTerm, LeaderId = leader, CommitIndex = lastIndex };
        status.Members.AddRange((voters ?? Three).Select(v => new Member { NodeId = v, Kind = MemberKind.Voter }));
        return new MemberObservation(id, status, null);
    }

    private static MemberObservation Down(ulong id) => new(id, null, "connection refused");

    [Fact]
    public void A_majority_unreachable_without_a_leader_is_quorum_lost_and_names_the_survivor()
    {
        var a = QuorumAssessment.Assess([Up(1, 90, 4), Down(2), Down(3)], Three);
        Assert.True(a.QuorumLost);
        Assert.Equal(1ul, a.Survivor);
        Assert.Equal("no leader known; 1 of 3 voters reachable (a quorum needs 2); node 1 (voter) reachable: last index 90, last term 4, commit 90; " +
            "node 2 (voter) unreachable: connection refused; node 3 (voter) unreachable: connection refused", a.Summary);
    }

    [Fact]
    public void The_survivor_is_the_most_up_to_date_log_by_last_term_then_index()
    {
        var five = new ulong[] { 1, 2, 3, 4, 5 };
        // Node 2 has the longer log but of an older term: node 4's log is more up to date.
        var a = QuorumAssessment.Assess([Up(2, 120, 3, voters: five), Up(4, 100, 5, voters: five), Down(1), Down(3), Down(5)], five);
        Assert.True(a.QuorumLost);
        Assert.Equal(4ul, a.Survivor);

        var tie = QuorumAssessment.Assess([Up(3, 100, 5, voters: five), Up(2, 100, 5, voters: five), Down(1), Down(4), Down(5)], five);
        Assert.Equal(2ul, tie.Survivor);
    }

    [Fact]
    public void A_known_leader_or_a_reachable_majority_is_not_quorum_lost()
    {
        Assert.False(QuorumAssessment.Assess([Up(1, 90, 4, leader: 1), Down(2), Down(3)], Three).QuorumLost);
        // An election in progress: no leader, but a majority answers.
        var electing = QuorumAssessment.Assess([Up(1, 90, 4), Up(2, 90, 4), Down(3)], Three);
        Assert.False(electing.QuorumLost);
        Assert.Null(electing.Survivor);
    }

    [Fact]
    public void Membership_comes_from_the_most_up_to_date_member_not_from_the_declared_size()
    {
        // Scaled down to one voter earlier: a lone reachable node is a quorum of itself.
        var single = QuorumAssessment.Assess([Up(1, 50, 2, voters: [1]), Down(2), Down(3)], Three);
        Assert.False(single.QuorumLost);

        var none = QuorumAssessment.Assess([Down(1), Down(2), Down(3)], Three);
        Assert.True(none.QuorumLost);
        Assert.Null(none.Survivor);
    }
}

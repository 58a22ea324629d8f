namespace Raftex.Raft.Tests;

/// <summary>§5.2 leader election and §5.4.1 the election restriction.</summary>
public sealed class ElectionTests
{
    private static readonly long[] Three = [1, 2, 3];

    [Fact]
    public void Election_timeout_is_randomized_in_election_ticks_to_twice_that()
    {
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 40; seed++)
        {
            var raw = new RawNode(1, Three, new NodeOptions(ElectionTicks: 10, PreVote: false), seed);
            var ticks = 0;
            while (raw.Node.Role == RaftRole.Follower)
            {
                raw.Node.Tick();
                ticks++;
                Assert.True(ticks < 100, "never campaigned");
            }

            Assert.InRange(ticks, 10, 19);
            seen.Add(ticks);
        }

        // Randomization is what breaks split votes: the timeouts must actually differ.
        Assert.True(seen.Count >= 5, $"only {seen.Count} distinct timeouts");
    }

    [Fact]
    public void Same_seed_gives_the_same_election_timeout()
    {
        int TicksToCampaign(int seed)
        {
            var raw = new RawNode(1, Three, new NodeOptions(PreVote: false), seed);
            var ticks = 0;
            while (raw.Node.Role == RaftRole.Follower)
            {
                raw.Node.Tick();
                ticks++;
            }

            return ticks;
        }

        Assert.Equal(TicksToCampaign(7), TicksToCampaign(7));
    }

    [Fact]
    public void Single_voter_becomes_leader_and_commits_its_noop_once_durable()
    {
        var raw = new RawNode(1, [1]);
        raw.Node.Campaign();
        Assert.Equal(RaftRole.Leader, raw.Node.Role);
        var ready = raw.Node.GetReady();
        Assert.Single(ready.Entries);
        Assert.True(ready.Entries[0].Data.IsEmpty);

        // Not durable yet: the leader does not count itself.
        Assert.Equal(1, raw.Node.Status.Commit);
        raw.Storage.Append(ready.Entries);
        raw.Node.Advance(ready);
        Assert.Equal(2, raw.Node.Status.Commit);
    }

    [Fact]
    public void Candidate_with_a_majority_of_votes_becomes_leader()
    {
        var net = new FakeNetwork(Three).Elect(1);
        Assert.Equal(RaftRole.Leader, net[1].Role);
        Assert.Equal(1, net[2].Lead);
        Assert.Equal(1, net[3].Lead);
        Assert.Equal(net[1].Term, net[2].Term);
    }

    [Fact]
    public void Election_completes_by_timeouts_alone()
    {
        var net = new FakeNetwork(Three, seed: 3);
        net.TickAll(40);
        var leader = net.Leader();
        Assert.NotNull(leader);
        Assert.All(net.Peers.Values, p => Assert.Equal(leader, p.Node.Lead));
        net.AssertStateMachinesAgree();
    }

    [Fact]
    public void Candidate_that_cannot_reach_a_majority_does_not_become_leader()
    {
        var net = new FakeNetwork(Three, new NodeOptions(PreVote: false));
        net.Isolate(1);
        net.Elect(1);
        Assert.Equal(RaftRole.Candidate, net[1].Role);
    }

    [Fact]
    public void A_node_grants_at_most_one_vote_per_term()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.Vote, 2, 1, 5) { Index = 1, LogTerm = 1 });
        raw.Step(new Message(MessageType.Vote, 3, 1, 5) { Index = 1, LogTerm = 1 });
        var responses = raw.Drain().Where(m => m.Type == MessageType.VoteResponse).ToList();
        Assert.Equal(2, responses.Count);
        Assert.False(responses.Single(m => m.To == 2).Reject);
        Assert.True(responses.Single(m => m.To == 3).Reject);
        Assert.Equal(2, raw.Node.Vote);
    }

    [Fact]
    public void A_repeated_vote_request_from_the_same_candidate_is_granted_again()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.Vote, 2, 1, 5) { Index = 1, LogTerm = 1 });
        raw.Step(new Message(MessageType.Vote, 2, 1, 5) { Index = 1, LogTerm = 1 });
        Assert.All(raw.Drain().Where(m => m.Type == MessageType.VoteResponse), m => Assert.False(m.Reject));
    }

    [Fact]
    public void Voter_rejects_a_candidate_whose_last_term_is_older()
    {
        // Without check-quorum there is no leader lease, so the vote request is considered on its log alone.
        var raw = new RawNode(1, Three, new NodeOptions(CheckQuorum: false));
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2));
        raw.Drain();
        // Candidate has a longer log but from an older term: not up to date (§5.4.1).
        raw.Step(new Message(MessageType.Vote, 3, 1, 3) { Index = 5, LogTerm = 1 });
        var vote = raw.Drain().Single(m => m.Type == MessageType.VoteResponse);
        Assert.True(vote.Reject);
        Assert.Equal(0, raw.Node.Vote);
    }

    [Fact]
    public void Voter_rejects_a_candidate_with_a_shorter_log_of_the_same_term()
    {
        var raw = new RawNode(1, Three, new NodeOptions(CheckQuorum: false));
        raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2), RawNode.E(3, 2));
        raw.Drain();
        raw.Step(new Message(MessageType.Vote, 3, 1, 3) { Index = 2, LogTerm = 2 });
        Assert.True(raw.Drain().Single(m => m.Type == MessageType.VoteResponse).Reject);
        raw.Step(new Message(MessageType.Vote, 2, 1, 3) { Index = 3, LogTerm = 2 });
        Assert.False(raw.Drain().Single(m => m.Type == MessageType.VoteResponse).Reject);
    }

    [Fact]
    public void Votes_and_vote_requests_leave_only_after_persist()
    {
        var raw = new RawNode(1, Three, new NodeOptions(PreVote: false));
        raw.Node.Campaign();
        var ready = raw.Node.GetReady();
        Assert.True(ready.MustSync);
        Assert.Equal(new HardState(2, 1, 1), ready.HardState);
        Assert.DoesNotContain(ready.Messages, m => m.Type == MessageType.Vote);
        Assert.Equal(2, ready.MessagesAfterPersist.Count(m => m.Type == MessageType.Vote));
        raw.Node.Advance(ready);

        var voter = new RawNode(2, Three);
        voter.Step(new Message(MessageType.Vote, 1, 2, 2) { Index = 1, LogTerm = 1 });
        var voterReady = voter.Node.GetReady();
        Assert.Equal(1, voterReady.HardState!.Value.Vote);
        Assert.Empty(voterReady.Messages);
        Assert.Single(voterReady.MessagesAfterPersist, m => m.Type == MessageType.VoteResponse && !m.Reject);
    }

    [Fact]
    public void Candidate_steps_down_on_an_append_from_a_leader_of_its_term()
    {
        var raw = new RawNode(1, Three, new NodeOptions(PreVote: false));
        raw.Node.Campaign();
        raw.Drain();
        var term = raw.Node.Term;
        raw.ReceiveAppend(2, term, 1, 1, 1);
        Assert.Equal(RaftRole.Follower, raw.Node.Role);
        Assert.Equal(2, raw.Node.Lead);
        Assert.Equal(term, raw.Node.Term);
    }

    [Fact]
    public void Candidate_that_loses_the_vote_returns_to_follower()
    {
        var raw = new RawNode(1, Three, new NodeOptions(PreVote: false));
        raw.Node.Campaign();
        raw.Drain();
        raw.Step(new Message(MessageType.VoteResponse, 2, 1, raw.Node.Term) { Reject = true });
        raw.Step(new Message(MessageType.VoteResponse, 3, 1, raw.Node.Term) { Reject = true });
        Assert.Equal(RaftRole.Follower, raw.Node.Role);
    }

    [Fact]
    public void Any_message_with_a_higher_term_turns_a_leader_into_a_follower()
    {
        var net = new FakeNetwork(Three).Elect(1);
        var term = net[1].Term;
        net[1].Step(new Message(MessageType.AppendResponse, 2, 1, term + 3) { Index = 1 });
        Assert.Equal(RaftRole.Follower, net[1].Role);
        Assert.Equal(term + 3, net[1].Term);
        Assert.Equal(0, net[1].Vote);
    }

    [Fact]
    public void Messages_for_another_node_or_from_itself_are_ignored()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.Vote, 2, 9, 5) { Index = 1, LogTerm = 1 });
        raw.Step(new Message(MessageType.Vote, 1, 1, 5) { Index = 1, LogTerm = 1 });
        Assert.Equal(1, raw.Node.Term);
        Assert.Empty(raw.Drain());
    }

    [Fact]
    public void Restart_keeps_term_and_vote_so_no_second_vote_is_cast()
    {
        var raw = new RawNode(1, Three);
        raw.Step(new Message(MessageType.Vote, 2, 1, 5) { Index = 1, LogTerm = 1 });
        raw.Drain();

        var restarted = new RawNode(1, raw.Storage, applied: 1);
        Assert.Equal(5, restarted.Node.Term);
        Assert.Equal(2, restarted.Node.Vote);
        restarted.Step(new Message(MessageType.Vote, 3, 1, 5) { Index = 1, LogTerm = 1 });
        Assert.True(restarted.Drain().Single(m => m.Type == MessageType.VoteResponse).Reject);
    }

    [Fact]
    public void Restart_keeps_the_log_and_commit_index()
    {
        var net = new FakeNetwork(Three).Elect(1);
        net.Propose(1, "a");
        net.Propose(1, "b");
        var before = net[2].Status;
        net.Crash(2);
        net.Restart(2);
        var after = net[2].Status;
        Assert.Equal(before.LastIndex, after.LastIndex);
        Assert.Equal(before.Commit, after.Commit);
        Assert.Equal(before.Term, after.Term);
        net.Stabilize();
        Assert.Equal(["a", "b"], net.Peers[2].State);
    }

    [Fact]
    public void At_most_one_leader_per_term_under_random_partitions()
    {
        for (var seed = 1; seed <= 15; seed++)
        {
            var net = new FakeNetwork([1, 2, 3, 4, 5], new NodeOptions(PreVote: seed % 2 == 0, CheckQuorum: seed % 3 != 0), seed);
            var random = new Random(seed);
            for (var round = 0; round < 30; round++)
            {
                net.Heal();
                var a = random.Next(1, 6);
                var b = random.Next(1, 6);
                if (a != b)
                {
                    net.Isolate(a);
                    net.Cut(b, random.Next(1, 6) == b ? a : random.Next(1, 6));
                }

                net.DropIf = m => random.Next(10) == 0;
                net.TickAll(random.Next(5, 25));
                if (net.Leader() is { } leader)
                {
                    net.Peers[leader].Node.Propose(System.Text.Encoding.UTF8.GetBytes($"s{seed}r{round}"));
                }
            }

            net.Heal();
            net.TickAll(60);
            net.AssertStateMachinesAgree();
            Assert.NotNull(net.Leader());
        }
    }

    [Fact]
    public void Rejecting_a_higher_term_vote_does_not_reset_the_election_timer()
    {
        // Figure 2: the timer resets on hearing from the leader or granting a vote, nothing else.
        var fewest = int.MaxValue;
        for (var seed = 0; seed < 10; seed++)
        {
            var raw = new RawNode(1, Three, new NodeOptions(PreVote: false, CheckQuorum: false), seed);
            raw.ReceiveAppend(2, 2, 1, 1, 1, RawNode.E(2, 2));
            raw.Drain();
            for (var i = 0; i < 9; i++)
            {
                raw.Node.Tick();
            }

            raw.Step(new Message(MessageType.Vote, 3, 1, 3) { Index = 1, LogTerm = 1 });
            Assert.True(raw.Drain().Single(m => m.Type == MessageType.VoteResponse).Reject);
            Assert.Equal(3, raw.Node.Term);
            var ticks = 0;
            while (raw.Node.Role == RaftRole.Follower && ticks < 100)
            {
                raw.Node.Tick();
                ticks++;
            }

            fewest = Math.Min(fewest, ticks);
        }

        // A reset timer would need at least ElectionTicks (10) more ticks every time.
        Assert.True(fewest < 10, $"needed at least {fewest} more ticks");
    }

    [Fact]
    public void Granting_a_vote_resets_the_election_timer()
    {
        var raw = new RawNode(1, Three, new NodeOptions(PreVote: false, CheckQuorum: false));
        for (var i = 0; i < 9; i++)
        {
            raw.Node.Tick();
        }

        raw.Step(new Message(MessageType.Vote, 3, 1, 3) { Index = 1, LogTerm = 1 });
        Assert.False(raw.Drain().Single(m => m.Type == MessageType.VoteResponse).Reject);
        for (var i = 0; i < 9; i++)
        {
            raw.Node.Tick();
        }

        Assert.Equal(RaftRole.Follower, raw.Node.Role);
    }
}

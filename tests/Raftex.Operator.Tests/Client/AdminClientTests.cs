using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Raftex.Client;
using Raftex.Operator.Tests.Fakes;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Tests.Client;

public sealed class AdminClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeRaftCluster _cluster = new(voters: 3);
    private FakeAdminServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAdminServer.StartAsync(_cluster, slots: 4);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AdminClient Client(ulong node, TimeSpan? timeout = null, uint group = 0) =>
        AdminClient.Connect(_server.AddressOf(node), timeout ?? Timeout, group);

    [Fact]
    public async Task Status_reports_role_term_leader_members_and_formats()
    {
        using var leader = Client(1);
        var status = (await leader.GetStatusAsync()).Unwrap();
        Assert.Equal(Role.Leader, status.Role);
        Assert.Equal(1UL, status.LeaderId);
        Assert.Equal("fake-cluster", status.ClusterId);
        Assert.Equal([1UL, 2UL, 3UL], status.Members.Select(m => m.NodeId));
        Assert.All(status.Members, m => Assert.Equal(MemberKind.Voter, m.Kind));
        Assert.Equal([1u], status.SupportedEntryFormatVersions);

        using var follower = Client(2);
        var followerStatus = (await follower.GetStatusAsync()).Unwrap();
        Assert.Equal(Role.Follower, followerStatus.Role);
        Assert.Equal(_cluster.Node(2).Incarnation, followerStatus.Incarnation);
    }

    [Fact]
    public async Task A_follower_refusal_maps_to_not_leader_with_a_hint()
    {
        using var follower = Client(3);
        var result = await follower.AddLearnerAsync(4, "node-4:7002", "inc");
        Assert.Equal(AdminOutcome.NotLeader, result.Outcome);
        Assert.Equal(1UL, result.LeaderHint);
        Assert.Contains("not the leader", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transfer_moves_leadership_and_bumps_the_term()
    {
        using var leader = Client(1);
        var result = (await leader.TransferLeadershipAsync(3)).Unwrap();
        Assert.Equal(3UL, result.NewLeaderId);
        Assert.Equal(2UL, result.Term);
        Assert.Equal(3UL, _cluster.LeaderId);
    }

    [Fact]
    public async Task Learner_is_added_caught_up_and_promoted()
    {
        _cluster.AddNode(4);
        using var leader = Client(1);
        var added = (await leader.AddLearnerAsync(4, FakeRaftCluster.Address(4), _cluster.Node(4).Incarnation)).Unwrap();
        Assert.Contains(added.Members, m => m.NodeId == 4 && m.Kind == MemberKind.Learner);

        var early = await leader.PromoteLearnerAsync(4);
        Assert.Equal(AdminOutcome.Rejected, early.Outcome);
        Assert.Contains("not caught up", early.Detail, StringComparison.Ordinal);

        _cluster.CatchUp(4);
        var promoted = (await leader.PromoteLearnerAsync(4)).Unwrap();
        Assert.Contains(promoted.Members, m => m.NodeId == 4 && m.Kind == MemberKind.Voter);
    }

    [Fact]
    public async Task Remove_with_a_stale_incarnation_is_rejected()
    {
        using var leader = Client(1);
        var old = _cluster.Node(2).Incarnation;
        var result = await leader.RemoveMemberAsync(2, "someone-else");
        Assert.Equal(AdminOutcome.Rejected, result.Outcome);
        Assert.True((await leader.RemoveMemberAsync(2, old)).IsOk);
        Assert.DoesNotContain(_cluster.Members(), m => m.NodeId == 2);
        Assert.Equal(AdminOutcome.NotFound, (await leader.RemoveMemberAsync(2, old)).Outcome);
    }

    [Fact]
    public async Task Unknown_group_maps_to_not_found()
    {
        using var client = Client(1, group: 7);
        var result = await client.GetStatusAsync();
        Assert.Equal(AdminOutcome.NotFound, result.Outcome);
        Assert.Contains("group 7", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entry_format_is_refused_until_every_voter_supports_it()
    {
        using var leader = Client(1);
        _cluster.Node(1).SupportedFormats = [1, 2];
        _cluster.Node(2).SupportedFormats = [1, 2];
        var refused = await leader.SetEntryFormatVersionAsync(2);
        Assert.Equal(AdminOutcome.Rejected, refused.Outcome);
        Assert.Contains("voters 3", refused.Detail, StringComparison.Ordinal);
        _cluster.Node(3).SupportedFormats = [1, 2];
        Assert.Equal(2u, (await leader.SetEntryFormatVersionAsync(2)).Unwrap().EntryFormatVersion);
    }

    [Fact]
    public async Task A_fault_without_duration_is_an_invalid_argument()
    {
        using var client = Client(2);
        var bad = await client.SetFaultsAsync([new Fault { Drop = new DropFault { Fraction = 0.5 } }]);
        Assert.Equal(AdminOutcome.InvalidArgument, bad.Outcome);
        var ok = await client.SetFaultsAsync([new Fault { Drop = new DropFault { Fraction = 0.5 }, Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) }]);
        Assert.Single(ok.Unwrap().ActiveFaults);
        Assert.Equal(1u, (await client.ClearFaultsAsync()).Unwrap().Cleared);
    }

    [Fact]
    public async Task A_down_node_maps_to_unavailable()
    {
        _cluster.SetUp(2, false);
        using var client = Client(2);
        Assert.Equal(AdminOutcome.Unavailable, (await client.GetStatusAsync()).Outcome);
    }

    [Fact]
    public async Task A_refused_connection_maps_to_unavailable()
    {
        var port = LoopbackPorts.Reserve();
        using var client = AdminClient.Connect(new Uri($"http://127.0.0.1:{port}"), Timeout);
        Assert.Equal(AdminOutcome.Unavailable, (await client.GetStatusAsync()).Outcome);
    }

    [Fact]
    public async Task A_hung_node_maps_to_deadline_exceeded()
    {
        _server.Stall(2);
        using var client = Client(2, timeout: TimeSpan.FromMilliseconds(200));
        var result = await client.GetStatusAsync();
        Assert.Equal(AdminOutcome.DeadlineExceeded, result.Outcome);
    }

    [Fact]
    public async Task Caller_cancellation_maps_to_cancelled()
    {
        _server.Stall(2);
        using var client = Client(2);
        using var cts = new CancellationTokenSource();
        var pending = client.GetStatusAsync(cts.Token);
        await cts.CancelAsync();
        Assert.Equal(AdminOutcome.Cancelled, (await pending).Outcome);
    }

    [Fact]
    public void A_non_positive_timeout_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AdminClient.Connect(new Uri("http://127.0.0.1:1"), TimeSpan.Zero));
    }

    [Fact]
    public async Task A_bearer_token_is_sent_on_every_call_to_a_node_that_requires_one()
    {
        _server.RequiredToken = "s3cret-admin";
        using var anonymous = Client(1);
        var refused = await anonymous.GetStatusAsync();
        Assert.Equal(AdminOutcome.Failed, refused.Outcome);
        Assert.Contains("Unauthenticated", refused.Detail, StringComparison.Ordinal);

        using var wrong = AdminClient.Connect(_server.AddressOf(1), Timeout, bearerToken: "guess");
        Assert.Equal(AdminOutcome.Failed, (await wrong.GetStatusAsync()).Outcome);

        using var admin = AdminClient.Connect(_server.AddressOf(1), Timeout, bearerToken: "s3cret-admin");
        Assert.Equal(Role.Leader, (await admin.GetStatusAsync()).Unwrap().Role);
        Assert.True((await admin.TakeSnapshotAsync()).IsOk);
        Assert.True((await admin.ClearFaultsAsync()).IsOk);
    }

    [Fact]
    public void A_bearer_token_that_cannot_be_a_header_value_is_refused()
    {
        Assert.Throws<ArgumentException>(() => AdminClient.Connect(new Uri("http://127.0.0.1:1"), Timeout, bearerToken: ""));
        Assert.Throws<ArgumentException>(() => AdminClient.Connect(new Uri("http://127.0.0.1:1"), Timeout, bearerToken: "two\nlines"));
        Assert.Throws<ArgumentException>(() => AdminClient.Connect(new Uri("http://127.0.0.1:1"), Timeout, bearerToken: "a b"));
    }
}

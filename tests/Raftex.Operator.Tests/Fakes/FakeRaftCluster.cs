using Grpc.Core;
using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Operator.Tests.Fakes;

/// <summary>
/// A model of a Raft cluster for operator tests: one leader, a configuration of voters and learners with
/// match indexes, node incarnations, leadership transfer and learner catch-up. Every Admin request is
/// answered from this model with the status codes the real node uses. Thread-safe: gRPC handlers and the
/// test touch it concurrently, so every access takes the lock.
/// </summary>
internal sealed class FakeRaftCluster
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, FakeNode> _nodes = [];
    private readonly SortedDictionary<ulong, FakeMember> _members = [];
    private int _incarnations;

    public FakeRaftCluster(int voters, string clusterId = "fake-cluster")
    {
        ClusterId = clusterId;
        for (ulong id = 1; id <= (ulong)voters; id++)
        {
            var node = AddNode(id);
            _members[id] = new FakeMember(id, Address(id), MemberKind.Voter, node.Incarnation) { MatchIndex = CommitIndex };
        }

        LeaderId = voters > 0 ? 1UL : 0UL;
        Term = 1;
    }

    public string ClusterId { get; set; }
    public ulong LeaderId { get; private set; }
    public ulong Term { get; private set; }
    public ulong CommitIndex { get; private set; } = 100;

    /// <summary>How far behind the commit index a member may be and still count as caught up (the node's own readiness rule).</summary>
    public ulong CatchUpLag { get; set; } = 8;
    public uint EntryFormatVersion { get; private set; } = 1;

    /// <summary>Every Admin call in order, as "Method(node→arg)", so tests can check what the operator did.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Elections (in <see cref="Replicate"/>) need a majority of the voters up, as in Raft; off by default.</summary>
    public bool RequireQuorum { get; set; }

    /// <summary>Entries a learner gains per GetStatus it answers to the leader (0: only when the test says).</summary>
    public ulong LearnerCatchUpPerStatus { get; set; }

    public static string Address(ulong nodeId) => $"node-{nodeId}:7002";

    public FakeNode AddNode(ulong nodeId)
    {
        lock (_lock)
        {
            var node = new FakeNode(nodeId, $"inc-{nodeId}-{++_incarnations}");
            _nodes[nodeId] = node;
            return node;
        }
    }

    public FakeNode Node(ulong nodeId) { lock (_lock) { return _nodes[nodeId]; } }

    public bool HasNode(ulong nodeId) { lock (_lock) { return _nodes.ContainsKey(nodeId); } }

    public IReadOnlyList<(ulong NodeId, MemberKind Kind, ulong Match, string Incarnation)> Members()
    {
        lock (_lock)
        {
            return _members.Values.Select(m => (m.NodeId, m.Kind, m.MatchIndex, m.Incarnation)).ToList();
        }
    }

    /// <summary>Appends entries on the leader; every member that is up follows unless lagging was set.</summary>
    public void Commit(ulong entries, params ulong[] lagging)
    {
        lock (_lock)
        {
            CommitIndex += entries;
            foreach (var m in _members.Values)
            {
                if (!lagging.Contains(m.NodeId) && _nodes.TryGetValue(m.NodeId, out var n) && n.Up && m.Kind == MemberKind.Voter)
                {
                    m.MatchIndex = CommitIndex;
                }
            }
        }
    }

    public void SetMatchIndex(ulong nodeId, ulong index) { lock (_lock) { _members[nodeId].MatchIndex = index; } }

    public void CatchUp(ulong nodeId) { lock (_lock) { _members[nodeId].MatchIndex = CommitIndex; } }

    public void SetUp(ulong nodeId, bool up) { lock (_lock) { _nodes[nodeId].Up = up; } }

    /// <summary>The faults the node holds now (a copy: gRPC handlers change the list).</summary>
    public IReadOnlyList<Fault> Faults(ulong nodeId) { lock (_lock) { return [.. _nodes[nodeId].Faults]; } }

    /// <summary>Brings every crashed node back up with its disk, as a restarted container would be; returns their ids.</summary>
    public IReadOnlyList<ulong> RestartCrashed()
    {
        lock (_lock)
        {
            var crashed = _nodes.Values.Where(n => n.Crashed).ToList();
            foreach (var node in crashed)
            {
                node.Crashed = false;
                node.Up = true;
            }

            return crashed.Select(n => n.NodeId).ToList();
        }
    }

    /// <summary>The node loses its disk: it comes back with a fresh incarnation and no log.</summary>
    public string Wipe(ulong nodeId)
    {
        lock (_lock)
        {
            var node = _nodes[nodeId];
            node.Incarnation = $"inc-{nodeId}-{++_incarnations}";
            node.AppliedIndex = 0;
            return node.Incarnation;
        }
    }

    /// <summary>Makes <paramref name="nodeId"/> leader as an election would (term + 1).</summary>
    public void Elect(ulong nodeId)
    {
        lock (_lock)
        {
            LeaderId = nodeId;
            Term++;
        }
    }

    public void LoseLeader() { lock (_lock) { LeaderId = 0; } }

    /// <summary>Appends a line to <see cref="Calls"/> (for events the test harness observes, e.g. a pod going away).</summary>
    public void Note(string line) { lock (_lock) { Calls.Add(line); } }

    /// <summary>What replication would do in a moment: every member whose node is up catches up, and an election fills a missing leader.</summary>
    public void Replicate(IReadOnlySet<ulong>? stuck = null)
    {
        lock (_lock)
        {
            foreach (var m in _members.Values)
            {
                if (_nodes.TryGetValue(m.NodeId, out var n) && n.Up && n.Incarnation == m.Incarnation && stuck?.Contains(m.NodeId) != true)
                {
                    m.MatchIndex = CommitIndex;
                }
            }

            if (LeaderId == 0 || !_nodes[LeaderId].Up)
            {
                var up = _members.Values.Where(m => m.Kind == MemberKind.Voter && _nodes.TryGetValue(m.NodeId, out var n) && n.Up && n.Incarnation == m.Incarnation).ToList();
                var voters = _members.Values.Count(m => m.Kind == MemberKind.Voter);
                var candidate = RequireQuorum && up.Count * 2 <= voters ? null : up.FirstOrDefault();
                if (candidate is not null)
                {
                    LeaderId = candidate.NodeId;
                    Term++;
                    Calls.Add($"Elected({candidate.NodeId})");
                }
            }
        }
    }

    // ---- Admin semantics -------------------------------------------------------------------------

    public NodeStatus GetStatus(ulong nodeId, uint groupId)
    {
        lock (_lock)
        {
            var node = Reachable(nodeId, groupId);
            var isLeader = nodeId == LeaderId;
            if (isLeader && LearnerCatchUpPerStatus > 0)
            {
                foreach (var m in _members.Values.Where(m => m.Kind == MemberKind.Learner))
                {
                    m.MatchIndex = Math.Min(CommitIndex, m.MatchIndex + LearnerCatchUpPerStatus);
                }
            }

            var member = _members.GetValueOrDefault(nodeId);
            var isMember = member is not null && member.Incarnation == node.Incarnation;
            var status = new NodeStatus
            {
                ClusterId = ClusterId,
                GroupId = groupId,
                NodeId = nodeId,
                Incarnation = node.Incarnation,
                Role = !isMember ? Role.Unspecified : isLeader ? Role.Leader : member!.Kind == MemberKind.Learner ? Role.Learner : Role.Follower,
                Term = Term,
                LeaderId = isMember ? LeaderId : 0,
                CommitIndex = CommitIndex,
                AppliedIndex = isMember ? member!.MatchIndex : 0,
                LastIndex = isLeader ? CommitIndex : member?.MatchIndex ?? 0,
                // Every entry of the fake log is of the current term.
                LastTerm = Term,
                EntryFormatVersion = EntryFormatVersion,
                Ready = isMember && LeaderId != 0 && member!.MatchIndex + CatchUpLag >= CommitIndex && node.DiskFull is null,
                DiskFull = node.DiskFull is not null,
                DiskFullDetail = node.DiskFull ?? string.Empty,
            };
            status.SupportedEntryFormatVersions.AddRange(node.SupportedFormats);
            status.ActiveFaults.AddRange(node.Faults);
            foreach (var m in _members.Values)
            {
                status.Members.Add(new Member
                {
                    NodeId = m.NodeId,
                    Address = m.Address,
                    Kind = m.Kind,
                    MatchIndex = isLeader ? (m.NodeId == nodeId ? CommitIndex : m.MatchIndex) : 0,
                    Incarnation = m.Incarnation,
                });
            }

            return status;
        }
    }

    public ForceNewClusterResponse ForceNewCluster(ulong nodeId, ForceNewClusterRequest request)
    {
        lock (_lock)
        {
            var node = Reachable(nodeId, request.GroupId);
            Calls.Add($"ForceNewCluster({nodeId})");
            if (request.ConfirmNodeId != nodeId)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"confirm_node_id {request.ConfirmNodeId} does not name this node ({nodeId})"));
            }

            if (LeaderId != 0)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {nodeId} knows leader {LeaderId}: quorum is not lost"));
            }

            // Like the node: the whole log is kept and committed, the node leads alone in a new term with a new incarnation.
            var lastBefore = CommitIndex;
            node.Incarnation = $"inc-{nodeId}-{++_incarnations}";
            _members.Clear();
            _members[nodeId] = new FakeMember(nodeId, Address(nodeId), MemberKind.Voter, node.Incarnation) { MatchIndex = ++CommitIndex };
            LeaderId = nodeId;
            Term++;
            return new ForceNewClusterResponse { Index = CommitIndex, Term = Term, Incarnation = node.Incarnation, LastIndexBefore = lastBefore, CommitIndexBefore = lastBefore };
        }
    }

    public TransferLeadershipResponse TransferLeadership(ulong nodeId, TransferLeadershipRequest request)
    {
        lock (_lock)
        {
            RequireLeader(nodeId, request.GroupId);
            var target = request.TargetNodeId;
            if (target == 0)
            {
                target = _members.Values
                    .Where(m => m.NodeId != nodeId && m.Kind == MemberKind.Voter && _nodes.TryGetValue(m.NodeId, out var n) && n.Up)
                    .OrderByDescending(m => m.MatchIndex).ThenBy(m => m.NodeId)
                    .Select(m => m.NodeId).FirstOrDefault();
                if (target == 0)
                {
                    throw new RpcException(new Status(StatusCode.FailedPrecondition, "no voter to transfer leadership to"));
                }
            }

            if (!_members.TryGetValue(target, out var member) || member.Kind != MemberKind.Voter)
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"node {target} is not a voter"));
            }

            if (!_nodes[target].Up)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"node {target} did not take over"));
            }

            Calls.Add($"TransferLeadership({nodeId}→{target})");
            member.MatchIndex = CommitIndex;
            LeaderId = target;
            Term++;
            return new TransferLeadershipResponse { NewLeaderId = target, Term = Term };
        }
    }

    public MembershipChangeResponse AddLearner(ulong nodeId, AddLearnerRequest request)
    {
        lock (_lock)
        {
            RequireLeader(nodeId, request.GroupId);
            if (request.NodeId == 0 || string.IsNullOrEmpty(request.Address))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "node_id and address are required"));
            }

            if (_members.ContainsKey(request.NodeId))
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {request.NodeId} is already a member"));
            }

            Calls.Add($"AddLearner({request.NodeId})");
            _members[request.NodeId] = new FakeMember(request.NodeId, request.Address, MemberKind.Learner, request.Incarnation);
            return Change();
        }
    }

    public MembershipChangeResponse PromoteLearner(ulong nodeId, PromoteLearnerRequest request)
    {
        lock (_lock)
        {
            RequireLeader(nodeId, request.GroupId);
            if (!_members.TryGetValue(request.NodeId, out var member))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"node {request.NodeId} is not a member"));
            }

            if (member.Kind != MemberKind.Learner)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {request.NodeId} is not a learner"));
            }

            if (member.MatchIndex + CatchUpLag < CommitIndex)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"learner {request.NodeId} is not caught up ({member.MatchIndex}/{CommitIndex})"));
            }

            Calls.Add($"PromoteLearner({request.NodeId})");
            member.Kind = MemberKind.Voter;
            return Change();
        }
    }

    public MembershipChangeResponse RemoveMember(ulong nodeId, RemoveMemberRequest request)
    {
        lock (_lock)
        {
            RequireLeader(nodeId, request.GroupId);
            if (!_members.TryGetValue(request.NodeId, out var member))
            {
                throw new RpcException(new Status(StatusCode.NotFound, $"node {request.NodeId} is not a member"));
            }

            if (request.Incarnation.Length > 0 && request.Incarnation != member.Incarnation)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {request.NodeId} has incarnation {member.Incarnation}, not {request.Incarnation}"));
            }

            if (request.NodeId == LeaderId)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, "transfer leadership before removing the leader"));
            }

            Calls.Add($"RemoveMember({request.NodeId})");
            _members.Remove(request.NodeId);
            return Change();
        }
    }

    public SetEntryFormatVersionResponse SetEntryFormatVersion(ulong nodeId, SetEntryFormatVersionRequest request)
    {
        lock (_lock)
        {
            RequireLeader(nodeId, request.GroupId);
            var unsupported = _members.Values.Where(m => m.Kind == MemberKind.Voter && !_nodes[m.NodeId].SupportedFormats.Contains(request.Version)).Select(m => m.NodeId).ToList();
            if (unsupported.Count > 0)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"voters {string.Join(",", unsupported)} do not support entry format {request.Version}"));
            }

            Calls.Add($"SetEntryFormatVersion({request.Version})");
            EntryFormatVersion = request.Version;
            CommitIndex++;
            return new SetEntryFormatVersionResponse { EntryFormatVersion = request.Version, Index = CommitIndex };
        }
    }

    public TakeSnapshotResponse TakeSnapshot(ulong nodeId, TakeSnapshotRequest request)
    {
        lock (_lock)
        {
            Reachable(nodeId, request.GroupId);
            return new TakeSnapshotResponse { SnapshotIndex = CommitIndex };
        }
    }

    public SetFaultsResponse SetFaults(ulong nodeId, SetFaultsRequest request)
    {
        lock (_lock)
        {
            var node = Reachable(nodeId, request.GroupId);
            foreach (var fault in request.Faults)
            {
                if (fault.Duration is null || fault.Duration.ToTimeSpan() <= TimeSpan.Zero)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "every fault needs a positive duration"));
                }
            }

            node.Faults.AddRange(request.Faults);
            var response = new SetFaultsResponse();
            response.ActiveFaults.AddRange(node.Faults);
            return response;
        }
    }

    public ClearFaultsResponse ClearFaults(ulong nodeId, ClearFaultsRequest request)
    {
        lock (_lock)
        {
            var node = Reachable(nodeId, request.GroupId);
            var cleared = (uint)node.Faults.Count;
            node.Faults.Clear();
            return new ClearFaultsResponse { Cleared = cleared };
        }
    }

    public CrashResponse Crash(ulong nodeId, CrashRequest request)
    {
        lock (_lock)
        {
            var node = Reachable(nodeId, request.GroupId);
            node.Up = false;
            node.Crashed = true;
            Calls.Add($"Crash({nodeId})");
            if (LeaderId == nodeId)
            {
                LeaderId = 0;
            }

            return new CrashResponse();
        }
    }

    private MembershipChangeResponse Change()
    {
        CommitIndex++;
        if (_members.TryGetValue(LeaderId, out var leader)) { leader.MatchIndex = CommitIndex; }
        var response = new MembershipChangeResponse { Index = CommitIndex };
        response.Members.AddRange(_members.Values.Select(m => new Member { NodeId = m.NodeId, Address = m.Address, Kind = m.Kind, MatchIndex = m.MatchIndex, Incarnation = m.Incarnation }));
        return response;
    }

    private FakeNode Reachable(ulong nodeId, uint groupId)
    {
        if (!_nodes.TryGetValue(nodeId, out var node) || !node.Up)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"node {nodeId} is down"));
        }

        if (groupId != 0)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"unknown group {groupId}"));
        }

        return node;
    }

    private void RequireLeader(ulong nodeId, uint groupId)
    {
        Reachable(nodeId, groupId);
        if (nodeId != LeaderId)
        {
            var trailers = new Metadata { { AdminTrailers.LeaderId, LeaderId.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"node {nodeId} is not the leader"), trailers);
        }
    }
}

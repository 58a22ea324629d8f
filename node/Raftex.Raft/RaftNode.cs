namespace Raftex.Raft;

/// <summary>
/// One Raft peer as a pure, single-threaded state machine (in the style of etcd's RawNode):
/// the caller feeds it ticks, peer messages and requests, and carries out the <see cref="Ready"/>
/// work it hands back. No threads, timers, sockets or clock inside; randomness comes from the config.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftConfig _config;
    private readonly long _id;
    private readonly Random _random;
    private readonly RaftLog _log;

    // Deterministic iteration order (by id) matters: the simulator replays runs from a seed.
    private readonly SortedDictionary<long, Progress> _progress = [];
    private ConfState _confState;

    private readonly List<Message> _messages = [];
    private readonly List<Message> _messagesAfterPersist = [];
    private readonly List<ReadState> _readStates = [];

    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _randomizedElectionTimeout;

    private SoftState _prevSoftState;
    private HardState _prevHardState;
    private bool _readyOutstanding;

    /// <summary>Restarts from <see cref="RaftConfig.Storage"/>'s hard state, membership and log.</summary>
    public RaftNode(RaftConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _id = config.NodeId;
        _random = config.Random!;
        var storage = config.Storage!;
        _log = new RaftLog(storage, config.MaxSizePerMessage);
        var (hardState, confState) = storage.InitialState();
        _confState = confState;
        Term = hardState.Term;
        Vote = hardState.Vote;
        _log.SetRestartPoint(Math.Max(hardState.Commit, _log.FirstIndex() - 1), config.Applied);
        RebuildProgress();
        BecomeFollower(Term, 0);
        _prevSoftState = new SoftState(0, RaftRole.Follower);
        _prevHardState = new HardState(Term, Vote, _log.Committed);
    }

    public long Id => _id;

    public long Term { get; private set; }

    public long Vote { get; private set; }

    public long Lead { get; private set; }

    public RaftRole Role { get; private set; }

    /// <summary>Term of the last entry in the log (the snapshot's term when the log holds none after it).</summary>
    public long LastTerm => _log.Term(_log.LastIndex());

    /// <summary>The membership this node has applied.</summary>
    public ConfState ConfState => _confState;

    /// <summary>A point-in-time view: per-peer progress is filled only on the leader.</summary>
    public RaftStatus Status
    {
        get
        {
            var progress = new Dictionary<long, PeerProgress>();
            if (Role == RaftRole.Leader)
            {
                foreach (var (id, pr) in _progress)
                {
                    progress[id] = pr.ToPublic();
                }
            }

            return new RaftStatus(
                _id, Role, Term, Vote, Lead, _log.Committed, _log.Applied, _log.LastIndex(), _confState, progress, _leadTransferee);
        }
    }

    private bool Promotable => !_removed && _confState.IsVoter(_id);

    private int Quorum => (_confState.Voters.Count / 2) + 1;

    /// <summary>Advances logical time by one tick: elections for followers, heartbeats and quorum checks for leaders.</summary>
    public void Tick()
    {
        if (_removed)
        {
            return;
        }

        if (Role == RaftRole.Leader)
        {
            TickHeartbeat();
        }
        else
        {
            TickElection();
        }
    }

    /// <summary>Feeds a message from a peer. Messages not addressed to this node, or from stale terms, are handled per Figure 2 or ignored.</summary>
    public void Step(Message m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (_removed || m.To != _id || m.From <= 0 || m.From == _id || m.Term < 0)
        {
            return;
        }

        if (!StepTerm(m))
        {
            return;
        }

        if (m.Type is MessageType.PreVote or MessageType.Vote)
        {
            HandleVoteRequest(m);
            return;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(m);
                break;
            case RaftRole.Candidate:
            case RaftRole.PreCandidate:
                StepCandidate(m);
                break;
            default:
                StepFollower(m);
                break;
        }
    }

    /// <summary>Figure 2's term rules. Returns false when the message is finished with (stale, or ignored under a lease).</summary>
    private bool StepTerm(Message m)
    {
        if (m.Term > Term)
        {
            if (m.Type is MessageType.Vote or MessageType.PreVote)
            {
                // Leader lease (thesis §4.2.3): having heard from a leader within the minimum
                // election timeout, ignore campaigns, unless the leader itself asked for this one.
                var inLease = _config.CheckQuorum && Lead != 0 && _electionElapsed < _config.ElectionTicks;
                if (inLease && !m.Transfer)
                {
                    // Refuse without adopting the candidate's term: a pre-candidate counts the
                    // rejection and gives up early; a candidate sees a stale term and ignores it.
                    var responseType = m.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
                    Send(new Message(responseType, _id, m.From, Term) { Reject = true });
                    return false;
                }
            }

            if (m.Type == MessageType.PreVote || (m.Type == MessageType.PreVoteResponse && !m.Reject))
            {
                // A pre-vote is a hypothetical election at Term+1: neither side moves its term.
            }
            else if (m.Type == MessageType.Vote)
            {
                // Figure 2: only hearing from a leader or granting a vote resets the election timer.
                // A candidate we may reject (a removed server, say) must not keep us from campaigning.
                var elapsed = _electionElapsed;
                BecomeFollower(m.Term, 0);
                _electionElapsed = elapsed;
            }
            else
            {
                var lead = m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot ? m.From : 0;
                BecomeFollower(m.Term, lead);
            }

            return true;
        }

        if (m.Term < Term)
        {
            if ((_config.CheckQuorum || _config.PreVote) && m.Type is MessageType.Append or MessageType.Heartbeat)
            {
                // A stale leader cut off by pre-vote/check-quorum would never learn the new term
                // otherwise (nobody campaigns against it); tell it so that it steps down.
                Send(new Message(MessageType.AppendResponse, _id, m.From, Term));
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new Message(MessageType.PreVoteResponse, _id, m.From, Term) { Reject = true });
            }

            return false;
        }

        return true;
    }

    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Append:
                _electionElapsed = 0;
                Lead = m.From;
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                _electionElapsed = 0;
                Lead = m.From;
                HandleSnapshotChunk(m);
                break;
            case MessageType.TimeoutNow:
                // Our leader hands over: campaign at once, without pre-vote and past the voters' lease.
                Hup(transfer: true);
                break;
            case MessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(m.Index, m.Context));
                break;
            default:
                break;
        }
    }

    private void Send(Message m)
    {
        if (_removed)
        {
            return;
        }

        switch (m.Type)
        {
            case MessageType.Vote:
            case MessageType.VoteResponse:
            case MessageType.PreVoteResponse:
            case MessageType.AppendResponse:
            case MessageType.SnapshotResponse:
                // These vouch for this node's term, vote or log: only once that is durable.
                _messagesAfterPersist.Add(m);
                break;
            default:
                _messages.Add(m);
                break;
        }
    }

    private void RebuildProgress()
    {
        _progress.Clear();
        var next = _log.LastIndex() + 1;
        foreach (var id in _confState.Voters)
        {
            _progress[id] = new Progress(id, next, _config.MaxInflightMessages, isLearner: false);
        }

        foreach (var id in _confState.Learners)
        {
            _progress[id] = new Progress(id, next, _config.MaxInflightMessages, isLearner: true);
        }
    }

    private void ResetProgressForLeader()
    {
        var next = _log.LastIndex() + 1;
        var ids = new List<long>(_progress.Keys);
        foreach (var id in ids)
        {
            var pr = new Progress(id, next, _config.MaxInflightMessages, _progress[id].IsLearner) { RecentActive = true };
            if (id == _id)
            {
                pr.Match = _log.StableLastIndex();
            }

            _progress[id] = pr;
        }
    }
}

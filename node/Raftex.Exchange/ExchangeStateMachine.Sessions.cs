namespace Raftex.Exchange;

/// <summary>Client sessions (Raft thesis §6.3): session id = the log index of its RegisterSession entry; LRU list by log time for deterministic expiry.</summary>
public sealed partial class ExchangeStateMachine
{
    private readonly int _sessionWindow;
    private readonly Int64Map _sessionIndex = new();
    private long[] _sessionId = new long[16];
    private long[] _sessionLastActive = new long[16];
    private long[] _sessionHighest = new long[16];
    private int[] _sessionPrev = new int[16];
    private int[] _sessionNext = new int[16];
    private int _sessionHead = -1;
    private int _sessionTail = -1;
    private int _sessionFree = -1;
    private int _sessionHighWater;

    // Per session, SessionWindow result slots indexed by sequence mod window.
    private SessionSlot[] _slots;

    /// <summary>Number of live client sessions.</summary>
    public int SessionCount => _sessionIndex.Count;

    private void RegisterSession(long logIndex, ApplyResult result)
    {
        var s = AllocateSession(logIndex);
        _sessionLastActive[s] = _logTime;
        LinkSessionAtTail(s);
        result.Code = ResultCode.SessionRegistered;
        result.SessionId = logIndex;
    }

    private int AllocateSession(long id)
    {
        int s;
        if (_sessionFree >= 0)
        {
            s = _sessionFree;
            _sessionFree = _sessionNext[s];
        }
        else
        {
            s = _sessionHighWater++;
            if (s == _sessionId.Length)
            {
                var n = s * 2;
                Array.Resize(ref _sessionId, n);
                Array.Resize(ref _sessionLastActive, n);
                Array.Resize(ref _sessionHighest, n);
                Array.Resize(ref _sessionPrev, n);
                Array.Resize(ref _sessionNext, n);
                Array.Resize(ref _slots, n * _sessionWindow);
            }
        }

        _sessionId[s] = id;
        _sessionHighest[s] = 0;
        Array.Clear(_slots, s * _sessionWindow, _sessionWindow);
        _sessionIndex.Set(id, s);
        return s;
    }

    private void LinkSessionAtTail(int s)
    {
        _sessionPrev[s] = _sessionTail;
        _sessionNext[s] = -1;
        if (_sessionTail >= 0)
        {
            _sessionNext[_sessionTail] = s;
        }
        else
        {
            _sessionHead = s;
        }

        _sessionTail = s;
    }

    private void UnlinkSession(int s)
    {
        var p = _sessionPrev[s];
        var n = _sessionNext[s];
        if (p >= 0)
        {
            _sessionNext[p] = n;
        }
        else
        {
            _sessionHead = n;
        }

        if (n >= 0)
        {
            _sessionPrev[n] = p;
        }
        else
        {
            _sessionTail = p;
        }
    }

    private void TouchSession(int s)
    {
        _sessionLastActive[s] = _logTime;
        if (_sessionTail != s)
        {
            UnlinkSession(s);
            LinkSessionAtTail(s);
        }
    }

    private void ExpireSessions()
    {
        // Log time is never negative (it starts at 0 and only grows), so this subtraction cannot overflow.
        var horizon = _logTime - _config.SessionTimeout;
        while (_sessionHead >= 0 && _sessionLastActive[_sessionHead] <= horizon)
        {
            var s = _sessionHead;
            UnlinkSession(s);
            _sessionIndex.Remove(_sessionId[s]);
            _sessionNext[s] = _sessionFree;
            _sessionFree = s;
        }
    }
}

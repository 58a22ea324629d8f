using System.Numerics;

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

    // Per session, its reply cache: null until its first command, then grown on demand (doubling) up to SessionWindow
    // slots indexed by sequence mod length. While shorter than the window it holds every sequence 1..highest, so an idle
    // session costs only the commands it actually sent, not a preallocated window.
    private SessionSlot[]?[] _sessionSlots = new SessionSlot[]?[16];

    /// <summary>Number of live client sessions.</summary>
    public int SessionCount => _sessionIndex.Count;

    /// <summary>Whether a session with this id is live (registered and not expired).</summary>
    public bool HasSession(long sessionId) => _sessionIndex.Get(sessionId) >= 0;

    // Per-session columns (id, last active, highest: 8 bytes each; prev, next: 4 each; cache reference 8) and the index entry.
    private const int SessionFixedBytes = (3 * 8) + (2 * 4) + 8 + 16;
    private const int ArrayHeaderBytes = 24;
    private long _sessionCacheBytes;

    /// <summary>Bytes of memory held by live session state: the per-session fields, the index entry and the reply caches (O(1)).</summary>
    public long SessionBytes => ((long)_sessionIndex.Count * SessionFixedBytes) + _sessionCacheBytes;

    private static long CacheBytes(SessionSlot[]? cache) =>
        cache is null ? 0 : ArrayHeaderBytes + ((long)cache.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<SessionSlot>());

    private SessionSlot SlotFor(int s, long sequence) =>
        _sessionSlots[s] is { } cache ? cache[(int)(sequence & (cache.Length - 1))] : default;

    private void StoreSlot(int s, long sequence, in SessionSlot value)
    {
        var cache = _sessionSlots[s];
        var need = Math.Max(sequence, _sessionHighest[s]);
        if (cache is null || (cache.Length < _sessionWindow && need > cache.Length))
        {
            var length = (int)Math.Min(_sessionWindow, Math.Max(4, (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Min(need, _sessionWindow))));
            var grown = new SessionSlot[length];
            if (cache is not null)
            {
                foreach (var old in cache)
                {
                    if (old.Sequence != 0)
                    {
                        grown[(int)(old.Sequence & (length - 1))] = old;
                    }
                }
            }

            _sessionCacheBytes += CacheBytes(grown) - CacheBytes(cache);
            _sessionSlots[s] = cache = grown;
        }

        cache[(int)(sequence & (cache.Length - 1))] = value;
    }

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
                Array.Resize(ref _sessionSlots, n);
            }
        }

        _sessionId[s] = id;
        _sessionHighest[s] = 0;
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
            _sessionCacheBytes -= CacheBytes(_sessionSlots[s]);
            _sessionSlots[s] = null;
            _sessionNext[s] = _sessionFree;
            _sessionFree = s;
        }
    }
}

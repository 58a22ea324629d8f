namespace Raftex.Exchange;

/// <summary>
/// The deterministic exchange state machine every replica applies the committed log to. Single-threaded;
/// integers only; time comes only from the entries; no iteration over hash-ordered collections influences
/// any output, so the same log gives the same results, state hash and snapshot on every replica.
/// </summary>
public sealed partial class ExchangeStateMachine
{
    /// <summary>Trade ids are logIndex × this + n, so a command produces at most this many trades.</summary>
    public const int MaxTradesPerCommand = 65536;

    private readonly ExchangeConfig _config;
    private readonly InstrumentBook[] _books;
    private readonly int _assetCount;
    private readonly long[] _supply;

    private OrderSlot[] _orders = new OrderSlot[1024];
    private int _orderFree = -1;
    private int _orderHighWater;
    private readonly Int64Map _orderIndex = new(1024);

    private PriceLevel[] _levels = new PriceLevel[256];
    private int _levelFree = -1;
    private int _levelHighWater;

    private long _lastIndex;
    private long _logTime;
    private ulong _stateHash = StateHasher.Seed;
    private byte _entryFormatVersion = CommandCodec.FormatVersion;
    private long _entryFormatIndex;

    /// <summary>Creates an empty exchange.</summary>
    public ExchangeStateMachine(ExchangeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _assetCount = config.Assets.Count;
        _supply = new long[_assetCount];
        _books = new InstrumentBook[config.Instruments.Count];
        for (var i = 0; i < _books.Length; i++)
        {
            _books[i] = new InstrumentBook(config.Instruments[i]);
        }

        _accountFree = new long[64 * _assetCount];
        _accountReserved = new long[64 * _assetCount];
        _sessionWindow = config.SessionWindow;
    }

    public ExchangeConfig Config => _config;

    /// <summary>Index of the last applied entry (0 before any).</summary>
    public long LastAppliedIndex => _lastIndex;

    /// <summary>The engine's log time: the largest stamp applied so far (never goes back).</summary>
    public long LogTime => _logTime;

    /// <summary>Rolling 64-bit hash over every applied entry and its outcome.</summary>
    public ulong StateHash => _stateHash;

    /// <summary>The entry format version the cluster agreed on (replicated through SetEntryFormat; starts at 1, never goes back).</summary>
    public byte EntryFormatVersion => _entryFormatVersion;

    /// <summary>Log index of the SetEntryFormat entry that put <see cref="EntryFormatVersion"/> in force (0 while it is the initial 1).</summary>
    public long EntryFormatIndex => _entryFormatIndex;

    /// <summary>
    /// Applies one committed log entry. Bad bytes or bad values give a <see cref="ResultCode.Rejected"/> result with a reason,
    /// never an exception; the entry still counts (index, hash). Throws only if the caller breaks the index order.
    /// </summary>
    public void Apply(long logIndex, ReadOnlySpan<byte> entry, ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (logIndex <= _lastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(logIndex), logIndex, $"entries must be applied in increasing index order; last applied is {_lastIndex}");
        }

        if (logIndex > long.MaxValue / MaxTradesPerCommand)
        {
            throw new ArgumentOutOfRangeException(nameof(logIndex), logIndex, "log index too large for trade id derivation");
        }

        _lastIndex = logIndex;
        result.Reset(logIndex);
        if (CommandCodec.TryDecode(entry, out var command, out var reason))
        {
            if (command.Time > _logTime)
            {
                _logTime = command.Time;
            }

            result.Command = command.Type;
            if (command.Account > 0)
            {
                _clientIds.Prefetch(command.Account, command.ClientId);
                if (command.OrigClientId > 0)
                {
                    _clientIds.Prefetch(command.Account, command.OrigClientId);
                }
            }

            PrefetchNextExpiry();
            ExpireSessions();
            ExpireClientIds();
            Execute(logIndex, in command, result);
        }
        else
        {
            result.Reject(reason);
        }

        result.LogTime = _logTime;
        _stateHash = StateHasher.Fold(_stateHash, entry, result);
        if (result.Command == CommandType.SetEntryFormat)
        {
            // The version in force is part of the state replicas compare, not only the entry that set it.
            _stateHash = StateHasher.Mix(_stateHash, _entryFormatVersion);
        }
    }

    private void Execute(long logIndex, in Command c, ApplyResult result)
    {
        if (c.Type == CommandType.RegisterSession)
        {
            if (c.SessionId != 0 || c.SessionSequence != 0)
            {
                result.Reject(RejectReason.MalformedCommand);
                return;
            }

            RegisterSession(logIndex, result);
            return;
        }

        if (c.Type == CommandType.SetEntryFormat)
        {
            SetEntryFormat(logIndex, in c, result);
            return;
        }

        var session = -1;
        if (c.SessionId != 0)
        {
            session = _sessionIndex.Get(c.SessionId);
            if (session < 0)
            {
                result.Reject(RejectReason.UnknownSession);
                return;
            }

            if (c.SessionSequence <= 0)
            {
                result.Reject(RejectReason.MalformedCommand);
                return;
            }

            TouchSession(session);
            var stored = SlotFor(session, c.SessionSequence);
            if (stored.Sequence == c.SessionSequence)
            {
                result.Code = stored.Code;
                result.Reason = stored.Reason;
                result.OrderId = stored.OrderId;
                result.IsDuplicate = true;
                return;
            }

            if (c.SessionSequence <= _sessionHighest[session] - _sessionWindow)
            {
                result.Reject(RejectReason.StaleSequence);
                return;
            }
        }
        else if (c.SessionSequence != 0)
        {
            result.Reject(RejectReason.MalformedCommand);
            return;
        }

        switch (c.Type)
        {
            case CommandType.Deposit:
                Deposit(in c, result);
                break;
            case CommandType.Withdraw:
                Withdraw(in c, result);
                break;
            case CommandType.PlaceOrder:
                Place(logIndex, in c, result);
                break;
            case CommandType.CancelOrder:
                Cancel(in c, result);
                break;
            case CommandType.ReplaceOrder:
                Replace(logIndex, in c, result);
                break;
            default:
                result.Reject(RejectReason.UnknownCommand);
                break;
        }

        if (session >= 0)
        {
            StoreSlot(session, c.SessionSequence, new SessionSlot { Sequence = c.SessionSequence, Code = result.Code, Reason = result.Reason, OrderId = result.OrderId });
            if (c.SessionSequence > _sessionHighest[session])
            {
                _sessionHighest[session] = c.SessionSequence;
            }
        }
    }

    private void SetEntryFormat(long logIndex, in Command c, ApplyResult result)
    {
        // An operator command, not a client one: it carries no session, and repeating the version in force is a no-op success.
        if (c.SessionId != 0 || c.SessionSequence != 0)
        {
            result.Reject(RejectReason.MalformedCommand);
        }
        else if (!CommandCodec.Supports(c.EntryFormat))
        {
            result.Reject(RejectReason.UnsupportedEntryFormat);
        }
        else if (c.EntryFormat < _entryFormatVersion)
        {
            result.Reject(RejectReason.EntryFormatLowered);
        }
        else
        {
            if (c.EntryFormat > _entryFormatVersion)
            {
                _entryFormatVersion = c.EntryFormat;
                _entryFormatIndex = logIndex;
            }

            result.Code = ResultCode.Accepted;
        }
    }

    private long SaturatingAfter(long span) => _logTime > long.MaxValue - span ? long.MaxValue : _logTime + span;
}

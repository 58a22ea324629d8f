namespace Raftex.Exchange;

/// <summary>A decoded log entry: the envelope header plus the fields of its command (unused fields are zero).</summary>
public record struct Command
{
    public byte Version;
    public CommandType Type;

    /// <summary>For SetEntryFormat: the entry format version to write from now on. (Declared here, it fills padding before <see cref="Time"/>.)</summary>
    public byte EntryFormat;

    /// <summary>The leader's stamp; the engine uses max(previous log time, stamp).</summary>
    public long Time;

    /// <summary>Client session id (0 = no session).</summary>
    public long SessionId;
    public long SessionSequence;
    public long Account;

    /// <summary>ClOrdID for place and replace, the request id for cancel, the transaction id for deposit and withdraw.</summary>
    public long ClientId;

    /// <summary>OrigClOrdID for cancel and replace.</summary>
    public long OrigClientId;

    /// <summary>Target order id for cancel and replace (takes precedence over <see cref="OrigClientId"/> when non-zero).</summary>
    public long OrderId;
    public int Instrument;
    public Side Side;
    public OrderType OrderType;
    public TimeInForce TimeInForce;
    public SelfTradePrevention SelfTradePrevention;

    /// <summary>Limit price, or the protection price of a market order.</summary>
    public long Price;
    public long Quantity;
    public int Asset;
    public long Amount;
}

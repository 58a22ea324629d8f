namespace Raftex.Exchange;

/// <summary>Why a command was rejected. Values are part of the wire and snapshot format: never renumber.</summary>
public enum RejectReason : byte
{
    None = 0,
    MalformedCommand = 1,
    UnsupportedVersion = 2,
    UnknownCommand = 3,
    UnknownSymbol = 4,
    UnknownAsset = 5,
    InvalidAccount = 6,
    InvalidClientId = 7,
    InvalidSide = 8,
    InvalidOrderType = 9,
    InvalidTimeInForce = 10,
    InvalidSelfTradePrevention = 11,
    InvalidPrice = 12,
    InvalidQuantity = 13,
    InvalidAmount = 14,
    BadTick = 15,
    BadLot = 16,
    OutOfBand = 17,
    Overflow = 18,
    InsufficientFunds = 19,
    PostOnlyWouldCross = 20,
    FokNotFillable = 21,
    UnknownOrder = 22,
    UnknownSession = 23,
    StaleSequence = 24,

    /// <summary>SetEntryFormat named a version this build cannot apply (a node halts before this; the engine alone rejects).</summary>
    UnsupportedEntryFormat = 25,

    /// <summary>SetEntryFormat named a version lower than the one in force: the entry format never goes back.</summary>
    EntryFormatLowered = 26,

    /// <summary>A version 2 entry whose CRC32C trailer does not match (a node halts before this; the engine alone rejects).</summary>
    ChecksumMismatch = 27,
}

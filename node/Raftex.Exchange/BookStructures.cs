namespace Raftex.Exchange;

/// <summary>A live order in the order pool; linked into its price level's FIFO by pool index.</summary>
internal struct OrderSlot
{
    public long OrderId;
    public long Account;
    public long ClientId;
    public long Price;
    public long Quantity;
    public long Filled;
    public long Open;
    public int AccountIndex;
    public int Instrument;
    public int Level;
    public int Prev;
    public int Next;
    public Side Side;
    public TimeInForce TimeInForce;
    public SelfTradePrevention Stp;
}

/// <summary>A price level: an intrusive doubly linked FIFO of orders in time priority.</summary>
internal struct PriceLevel
{
    public long Price;
    public long Open;
    public int Count;
    public int Head;
    public int Tail;
}

/// <summary>
/// One side of a book: level indices kept sorted by a key that grows towards the best price
/// (bids: price, asks: −price), so the best level is the last element. A level that empties below the top
/// stays in place (an order often comes back to a recently used price, e.g. on cancel-replace), so inserting
/// and removing levels — which shift the arrays — is rare; the top level is never empty, and empty levels
/// are swept out when they become too many. None of this is visible outside: queries skip empty levels.
/// </summary>
internal sealed class BookSide(bool isBid)
{
    public long[] Keys = new long[64];
    public int[] Levels = new int[64];
    public int Count;

    /// <summary>Levels below the top that hold no order.</summary>
    public int EmptyLevels;

    public bool IsBid { get; } = isBid;

    public long KeyOf(long price) => IsBid ? price : -price;

    /// <summary>Position of the level with this price, or the bitwise complement of where it would go.</summary>
    public int Find(long price)
    {
        var key = KeyOf(price);
        var keys = Keys;

        // Search from the top of the book first: the common case is a level near the best price.
        var n = Count;
        if (n > 0 && keys[n - 1] == key)
        {
            return n - 1;
        }

        var lo = 0;
        var hi = n - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var k = keys[mid];
            if (k == key)
            {
                return mid;
            }

            if (k < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    public void InsertAt(int position, long price, int level)
    {
        if (Count == Keys.Length)
        {
            Array.Resize(ref Keys, Count * 2);
            Array.Resize(ref Levels, Count * 2);
        }

        var tail = Count - position;
        if (tail > 0)
        {
            Array.Copy(Keys, position, Keys, position + 1, tail);
            Array.Copy(Levels, position, Levels, position + 1, tail);
        }

        Keys[position] = KeyOf(price);
        Levels[position] = level;
        Count++;
    }
}

/// <summary>Per-instrument state: both book sides, the band reference and the market-data sequence.</summary>
internal sealed class InstrumentBook(InstrumentSpec spec)
{
    public InstrumentSpec Spec { get; } = spec;

    public BookSide Bids { get; } = new(isBid: true);

    public BookSide Asks { get; } = new(isBid: false);

    /// <summary>0 before the first trade.</summary>
    public long LastTradePrice;

    public long Sequence;

    public BookSide SideOf(Side side) => side == Side.Buy ? Bids : Asks;
}

/// <summary>The remembered result of one session sequence number.</summary>
internal struct SessionSlot
{
    public long Sequence;
    public long OrderId;
    public ResultCode Code;
    public RejectReason Reason;
}

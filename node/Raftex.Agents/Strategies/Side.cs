namespace Raftex.Agents.Strategies;

/// <summary>Buy or sell.</summary>
public enum Side
{
    Buy,
    Sell,
}

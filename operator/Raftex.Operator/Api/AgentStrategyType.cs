namespace Raftex.Operator.Api;

/// <summary>The kinds of trading agent (raftex-agents --strategy market-maker, momentum, noise, arbitrage).</summary>
public enum AgentStrategyType
{
    MarketMaker,
    Momentum,
    Noise,
    Arbitrage,
}

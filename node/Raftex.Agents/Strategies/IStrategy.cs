namespace Raftex.Agents.Strategies;

/// <summary>
/// A strategy's decision logic: pure over its inputs (the markets of the agent's symbols, the agent's own state on
/// each, and its seeded random source), so one seed and one sequence of market data always give the same actions.
/// One instance serves every agent of a strategy entry; per-agent memory lives in <see cref="SlotState"/>.
/// </summary>
public interface IStrategy
{
    StrategyKind Kind { get; }

    /// <summary>How many symbols an agent of this strategy trades (arbitrage needs two, the others one).</summary>
    int SymbolsPerAgent { get; }

    /// <summary>Appends this decision's actions to <paramref name="actions"/>; may append none.</summary>
    void Decide(IReadOnlyList<MarketView> markets, IReadOnlyList<SlotState> slots, ref DeterministicRandom random, List<AgentAction> actions);
}

using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>One group of agents running one strategy.</summary>
[Description("A group of agents running one strategy.")]
public sealed class AgentStrategySpec
{
    [Required]
    [Description("MarketMaker (two-sided quotes with an inventory skew, cancel-replace), Momentum (moving-average crossover on trades), Noise (random limit and market orders) or Arbitrage (two symbols of one asset).")]
    public AgentStrategyType Type { get; set; }

    [Required]
    [Description("Agents of this strategy in each pod.")]
    [Range(1, 100_000)]
    public int Count { get; set; }

    [Description("Symbols these agents trade (each agent one of them, round robin; an arbitrageur the first two of one asset); the cluster's symbols when omitted.")]
    [MaxLength(64)]
    public IList<string>? Symbols { get; set; }

    [Description("Strategy parameters as integers, e.g. {spread: 20, size: 1} for MarketMaker; see the agents guide for each strategy's names and defaults.")]
    public IDictionary<string, long>? Parameters { get; set; }
}

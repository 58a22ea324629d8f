using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Raftex.Operator.Api;

/// <summary>What the user declares: trading agents aimed at an ExchangeCluster.</summary>
[Description("Desired state of a fleet of trading agents.")]
public sealed class AgentFleetSpec
{
    /// <summary>The agents image when the spec names none: the same repository scheme and tag as the examples' node image (raftex/node:1.0).</summary>
    public const string DefaultImage = "raftex/agents:1.0";

    [Required]
    [Description("Name of the ExchangeCluster, in the same namespace, the agents trade on.")]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    public string ClusterRef { get; set; } = string.Empty;

    [Description("Container image of raftex-agents.")]
    [MinLength(1)]
    [DefaultValue(DefaultImage)]
    public string? Image { get; set; }

    [Description("Agent pods; each runs every strategy entry with its own seed and its own range of accounts.")]
    [Range(1, 1_000)]
    [DefaultValue(1)]
    public int? Replicas { get; set; }

    [Required]
    [Description("Strategy groups every pod runs.")]
    [MinLength(1)]
    [MaxLength(32)]
    public IList<AgentStrategySpec> Strategies { get; set; } = [];

    [Description("Orders per second each agent may send, a decimal such as \"5\" or \"0.5\".")]
    [RegularExpression(@"^[0-9]{1,4}(\.[0-9]{1,3})?$")]
    [DefaultValue("1")]
    public string? OrderRatePerAgent { get; set; }

    [Description("Deposit into every agent account per asset before trading, e.g. {USD: 1000000000, BTC: 100000}; unnamed assets get the agents' defaults.")]
    public IDictionary<string, long>? StartingFunds { get; set; }

    [Description("Price in ticks to quote around while a symbol has neither a book nor a trade, e.g. {BTC-USD: 100000}; BTC-USD and ETH-USD have defaults.")]
    public IDictionary<string, long>? StartingPrices { get; set; }

    [Description("Seed of every decision; pod i uses seed + i.")]
    [DefaultValue(1L)]
    public long? Seed { get; set; }

    [Description("First account id; pod i's agents trade consecutive accounts from accountBase + i × (agents per pod).")]
    [Range(1, 1_000_000_000_000)]
    [DefaultValue(1_000_000L)]
    public long? AccountBase { get; set; }

    [Description("How long the agents trade, e.g. 60s, 30m, 2h; they then cancel their orders, report and idle (not ready) until the pod stops. Trading goes on until the pod stops when omitted.")]
    [RegularExpression("^[1-9][0-9]{0,6}(ms|s|m|h)$")]
    public string? Duration { get; set; }
}

using Raftex.Operator.Api;
using Raftex.Operator.Tests.Builders;
using Raftex.Operator.Validation;

namespace Raftex.Operator.Tests.Crd;

public sealed class AgentFleetValidatorTests
{
    [Fact]
    public void The_sample_fleet_is_valid_on_a_cluster_that_lists_its_symbols()
    {
        var result = AgentFleetValidator.Validate(Fleets.Spec(), Fleets.Cluster());

        Assert.True(result.IsValid, result.ErrorSummary);
    }

    [Fact]
    public void A_symbol_the_cluster_does_not_list_is_named_with_the_clusters_symbols()
    {
        var spec = Fleets.Spec();
        spec.Strategies[1].Symbols = ["SOL-USD"];

        var error = Assert.Single(AgentFleetValidator.Validate(spec, Fleets.Cluster()).Errors);

        Assert.Equal("spec.strategies[1].symbols: SOL-USD is not a symbol of ExchangeCluster xc1 (it lists BTC-USD, BTC-USDC)", error.ToString());
    }

    [Fact]
    public void Arbitrage_without_two_symbols_of_one_asset_is_refused()
    {
        var result = AgentFleetValidator.Validate(Fleets.Spec(), Clusters.Sample());

        Assert.Contains(result.Errors, e => e.ToString() == "spec.strategies[3].symbols: BTC-USDC is not a symbol of ExchangeCluster xc1 (it lists BTC-USD)");
        var spec = Fleets.Spec();
        spec.Strategies[3].Symbols = null;
        var error = Assert.Single(AgentFleetValidator.Validate(spec, Clusters.Sample()).Errors);
        Assert.Equal("spec.strategies[3].symbols: Arbitrage needs two symbols quoting the same asset (e.g. BTC-USD and BTC-USDC); got BTC-USD", error.ToString());
    }

    [Theory]
    [InlineData("0", "spec.orderRatePerAgent: must be a decimal in [0.01, 1000] orders per second, got \"0\"")]
    [InlineData("5000", "spec.orderRatePerAgent: must be a decimal in [0.01, 1000] orders per second, got \"5000\"")]
    public void A_rate_outside_what_the_agents_accept_is_refused(string rate, string message)
    {
        var spec = Fleets.Spec();
        spec.OrderRatePerAgent = rate;

        Assert.Equal(message, Assert.Single(AgentFleetValidator.Validate(spec, Fleets.Cluster()).Errors).ToString());
    }

    [Fact]
    public void Negative_funds_and_a_zero_price_are_refused_by_field()
    {
        var spec = Fleets.Spec();
        spec.StartingFunds!["USD"] = -1;
        spec.StartingPrices = new Dictionary<string, long> { ["BTC-USD"] = 0 };

        var errors = AgentFleetValidator.Validate(spec, Fleets.Cluster()).Errors.Select(e => e.ToString()).ToList();

        Assert.Equal(["spec.startingFunds.USD: must not be negative, got -1", "spec.startingPrices.BTC-USD: must be at least 1 tick, got 0"], errors);
    }
}

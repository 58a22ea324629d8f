using Raftex.Agents.Strategies;

namespace Raftex.Agents.Tests;

public sealed class OptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static string Refused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => AgentOptions.Parse(args, NoEnvironment)).Message;

    [Fact]
    public void The_documented_command_line_parses()
    {
        var o = AgentOptions.Parse(
            ["--cluster", "10.0.0.1:7001,10.0.0.2:7001", "--strategy", "market-maker=2", "--strategy", "noise=100", "--symbols", "BTC-USD,ETH-USD", "--seed", "42", "--rate", "5", "--duration", "60s"],
            NoEnvironment);

        Assert.Equal(["10.0.0.1:7001", "10.0.0.2:7001"], o.Cluster);
        Assert.Equal([(StrategyKind.MarketMaker, 2), (StrategyKind.Noise, 100)], o.Strategies.Select(s => (s.Kind, s.Count)));
        Assert.Equal(42, o.Seed);
        Assert.Equal(5, o.Rate);
        Assert.Equal(TimeSpan.FromSeconds(60), o.Duration);
        Assert.Equal(1_000_000_000, o.FundsOf("USD", isQuote: true));
        Assert.Equal(100_000, o.FundsOf("BTC", isQuote: false));
    }

    [Fact]
    public void Environment_variables_fill_what_the_command_line_leaves_out()
    {
        var env = new Dictionary<string, string>
        {
            ["RAFTEX_AGENTS_CLUSTER"] = "127.0.0.1:7001",
            ["RAFTEX_AGENTS_STRATEGY"] = "noise=3; momentum=2:fast=3,slow=9",
            ["RAFTEX_AGENTS_SEED"] = "9",
            ["RAFTEX_AGENTS_ACCOUNT_BASE"] = "5000",
            ["RAFTEX_AGENTS_FUNDS"] = "USD=77",
        };

        var o = AgentOptions.Parse(["--seed", "10"], k => env.GetValueOrDefault(k));

        Assert.Equal(["127.0.0.1:7001"], o.Cluster);
        Assert.Equal(["noise=3", "momentum=2:fast=3,slow=9"], o.Strategies.Select(s => s.ToString()));
        Assert.Equal(10, o.Seed);
        Assert.Equal(5000UL, o.AccountBase);
        Assert.Equal(77, o.FundsOf("USD", isQuote: true));
    }

    [Fact]
    public void A_strategy_entry_round_trips_through_its_text_form()
    {
        var entry = StrategyEntry.Parse("arbitrage=4:symbols=BTC-USD/BTC-USDC,thresholdBp=5,size=2");

        Assert.Equal(StrategyKind.Arbitrage, entry.Kind);
        Assert.Equal(["BTC-USD", "BTC-USDC"], entry.Symbols);
        Assert.Equal("arbitrage=4:symbols=BTC-USD/BTC-USDC,size=2,thresholdBp=5", entry.ToString());
        Assert.Equal(entry.ToString(), StrategyEntry.Parse(entry.ToString()).ToString());
    }

    [Theory]
    [InlineData("--strategy noise=1", "--cluster is required: the client addresses of the nodes, e.g. --cluster 127.0.0.1:7001,127.0.0.1:7011")]
    [InlineData("--cluster a:1", "at least one --strategy is required, e.g. --strategy noise=100")]
    [InlineData("--cluster a --strategy noise=1", "--cluster 'a': expected HOST:PORT")]
    [InlineData("--cluster a:1 --strategy scalper=1", "--strategy 'scalper=1': unknown strategy 'scalper' (known: market-maker, momentum, noise, arbitrage)")]
    [InlineData("--cluster a:1 --strategy noise=0", "--strategy 'noise=0': count '0' must be an integer in [1, 1000000]")]
    [InlineData("--cluster a:1 --strategy noise", "--strategy 'noise': expected KIND=COUNT, e.g. noise=100")]
    [InlineData("--cluster a:1 --strategy noise=1:offset", "--strategy 'noise=1:offset': 'offset' is not key=value")]
    [InlineData("--cluster a:1 --strategy market-maker=1:spread=1", "market-maker parameter spread=1: expected an integer in [2, 1000000]")]
    [InlineData("--cluster a:1 --strategy arbitrage=1", "arbitrage needs two symbols quoting the same asset (e.g. symbols=BTC-USD/BTC-USDC); got BTC-USD, ETH-USD")]
    [InlineData("--cluster a:1 --strategy noise=1 --rate 0", "--rate '0': expected orders per second per agent in [0.01, 1000]")]
    [InlineData("--cluster a:1 --strategy noise=1 --duration 10", "--duration '10': expected a positive duration such as 500ms, 60s, 5m or 1h (at most a year)")]
    [InlineData("--cluster a:1 --strategy noise=1 --symbols BTCUSD", "symbol 'BTCUSD': expected BASE-QUOTE with two different assets, e.g. BTC-USD")]
    [InlineData("--cluster a:1 --strategy noise=1 --symbols SOL-USD", "no starting price for SOL-USD: give --prices SOL-USD=TICKS (the price to quote around before its first trade)")]
    [InlineData("--cluster a:1 --strategy noise=1 --funds USD=-5", "--funds 'USD=-5': expected NAME=N with N an integer ≥ 0")]
    [InlineData("--cluster a:1 --strategy noise=1 --seed 1 --seed 2", "option --seed given twice")]
    [InlineData("--cluster a:1 --strategy noise=1 --colour red", "unknown option --colour")]
    [InlineData("--cluster a:1 --strategy noise=1 --progress loud", "--progress 'loud': expected auto, plain or off")]
    [InlineData("--cluster a:1 --strategy noise=1 --sessions", "option --sessions needs a value")]
    public void Bad_arguments_are_refused_with_a_precise_message(string line, string message)
    {
        Assert.Equal(message, Refused(line.Split(' ')));
    }
}

namespace Raftex.Exchange.Tests;

/// <summary>Random command streams applied to the engine and to the reference model must agree on every result, trade, book and balance.</summary>
public sealed class DifferentialPropertyTests
{
    private static readonly ExchangeConfig Config = ExchangeDriver.DefaultConfig(retention: long.MaxValue / 4);

    [Fact]
    public void Engine_and_reference_model_agree_on_every_result_book_and_balance()
    {
        CommandStreams.ForEachSeed(CommandStreams.Stream, 150, (seed, commands) =>
        {
            var driver = new ExchangeDriver(Config);
            var model = new ReferenceExchange(Config);
            for (var i = 0; i < commands.Length; i++)
            {
                var actual = driver.Apply(commands[i]);
                var expected = model.Apply(driver.Engine.LastAppliedIndex, commands[i]);
                Assert.True(expected.Describe() == actual.Describe(), $"command {i} {commands[i]}\n model: {expected.Describe()}\nengine: {actual.Describe()}");
                AssertSameState(driver.Engine, model, i);
                Invariants.Check(driver.Engine);
                Invariants.Check(model);
            }
        });
    }

    [Fact]
    public void Streams_exercise_trades_self_trade_prevention_duplicates_and_rejects()
    {
        // Guards the generator itself: if it drifted so that nothing matched or nothing was repeated, the differential test would prove little.
        var outcomes = new List<Outcome>();
        CommandStreams.ForEachSeed(CommandStreams.Stream, 40, (_, commands) =>
        {
            var driver = new ExchangeDriver(Config);
            outcomes.AddRange(commands.Select(driver.Apply));
        });

        Assert.True(outcomes.Sum(o => o.Trades.Count) > 100, "too few trades");
        Assert.Contains(outcomes, o => o.Cancellations.Count > 0);
        Assert.Contains(outcomes, o => o.CancelReason == CancelReason.SelfTrade);
        Assert.Contains(outcomes, o => o.IsDuplicate);
        Assert.Contains(outcomes, o => o.Code == ResultCode.Replaced && o.Trades.Count > 0);
        Assert.Contains(outcomes, o => o.Code == ResultCode.Cancelled);
        Assert.Contains(outcomes, o => o.Reason == RejectReason.FokNotFillable);
        Assert.Contains(outcomes, o => o.Reason == RejectReason.PostOnlyWouldCross);
        Assert.Contains(outcomes, o => o.Reason == RejectReason.InsufficientFunds);
        Assert.Contains(outcomes, o => o.Reason == RejectReason.UnknownOrder);
    }

    private static void AssertSameState(ExchangeStateMachine engine, ReferenceExchange model, int step)
    {
        for (var i = 0; i < Config.Instruments.Count; i++)
        {
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var actual = engine.Orders(i, side).Select(o => (o.OrderId, o.Account, o.ClientOrderId, o.Price, o.Quantity, o.Filled, o.Open)).ToList();
                var expected = model.Side(i, side).Select(o => (o.OrderId, o.Account, o.ClientId, o.Price, o.Quantity, o.Filled, o.Open)).ToList();
                Assert.True(expected.SequenceEqual(actual), $"after command {step}: {side} book of instrument {i} differs\n model: {string.Join(' ', expected)}\nengine: {string.Join(' ', actual)}");
            }
        }

        Assert.Equal(model.AccountIds.ToList(), engine.Accounts());
        foreach (var account in engine.Accounts())
        {
            for (var asset = 0; asset < Config.Assets.Count; asset++)
            {
                Assert.Equal(model.Balance(account, asset), engine.Balance(account, asset));
            }
        }
    }
}

namespace Raftex.Node.Tests;

public sealed class SymbolsFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"raftex-symbols-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void An_instrument_line_in_the_documented_ten_field_form_loads()
    {
        File.WriteAllText(_path, """
            # assets first, then instruments
            asset BTC
            asset USDC
            instrument BTC-USDC BTC USDC 5 2 2 1000 100000 250
            """);

        var config = SymbolsFile.Load(_path);

        Assert.Equal(["BTC", "USDC"], config.Assets);
        var instrument = Assert.Single(config.Instruments);
        Assert.Equal(new Raftex.Exchange.InstrumentSpec("BTC-USDC", 0, 1, 5, 2, 2, 1000, 100_000, 250), instrument);
    }

    [Theory]
    [InlineData("instrument BTC-USDC BTC USDC 5 2 2 1000 100000 250 0", "expected 'asset NAME' or 'instrument SYMBOL")]
    [InlineData("instrument BTC-USDC BTC USDC 5 2 2 1000 100000", "expected 'asset NAME' or 'instrument SYMBOL")]
    [InlineData("instrument BTC-USDC BTC EUR 5 2 2 1000 100000 250", "unknown asset 'EUR'")]
    [InlineData("instrument BTC-USDC BTC USDC five 2 2 1000 100000 250", "'five' is not an integer")]
    public void A_malformed_line_is_refused_naming_the_file_and_line(string line, string expected)
    {
        File.WriteAllText(_path, $"asset BTC\nasset USDC\n{line}\n");

        var error = Assert.Throws<ArgumentException>(() => SymbolsFile.Load(_path));

        Assert.StartsWith($"{_path}:3: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

namespace Raftex.Node.Tests;

public sealed class NodeOptionsTests
{
    private static NodeOptions Parse(string[] args, Dictionary<string, string>? env = null) =>
        NodeOptions.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Command_line_options_win_over_environment_variables()
    {
        var options = Parse(["--node-id", "2", "--election-ms", "800"], new() { ["RAFTEX_ELECTION_MS"] = "300", ["RAFTEX_HEARTBEAT_MS"] = "40" });
        Assert.Equal(2, options.NodeId);
        Assert.Equal(800, options.ElectionMs);
        Assert.Equal(40, options.HeartbeatMs);
        Assert.Equal(20, options.ElectionTicks);
    }

    [Fact]
    public void Node_id_comes_from_the_stateful_set_ordinal_when_not_given()
    {
        var options = Parse([], new() { ["POD_NAME"] = "exchange-2" });
        Assert.Equal(3, options.NodeId);
    }

    [Fact]
    public void Peers_parse_into_ids_and_addresses()
    {
        var options = Parse(["--node-id", "1", "--peers", "2=node-1.svc:7002, 3=10.0.0.3:7002"]);
        Assert.Equal("node-1.svc:7002", options.Peers[2]);
        Assert.Equal("10.0.0.3:7002", options.Peers[3]);
    }

    [Theory]
    [InlineData("--node-id 0", "node-id")]
    [InlineData("--node-id 1 --election-ms 50 --heartbeat-ms 100", "election-ms")]
    [InlineData("--node-id 1 --bootstrap --join", "exclude")]
    [InlineData("--node-id 1 --peers 1=a:1", "own id")]
    [InlineData("--node-id 1 --peers 2=nohost", "host:port")]
    [InlineData("--node-id 1 --admin-token secret", "files")]
    [InlineData("--node-id 1 --bogus 1", "unknown option")]
    [InlineData("--node-id 1 --client-listen localhost", "IP:PORT")]
    public void Bad_options_are_refused_with_a_message_naming_the_problem(string args, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Parse(args.Split(' ')));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

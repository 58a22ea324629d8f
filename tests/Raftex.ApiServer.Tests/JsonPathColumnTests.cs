using System.Text.Json.Nodes;

namespace Raftex.ApiServer.Tests;

public sealed class JsonPathColumnTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"status":{"leader":{"pod":"x-1"},"members":[{"pod":"x-0"},{"pod":"x-1"}],
         "conditions":[{"type":"Available","status":"True"},{"type":"Degraded","status":"False"}]}}
        """)!;

    [Theory]
    [InlineData(".status.leader.pod", "x-1")]
    [InlineData(".status.members[0].pod", "x-0")]
    [InlineData(".status.members[*].pod", "x-0,x-1")]
    [InlineData(".status.conditions[?(@.type==\"Degraded\")].status", "False")]
    [InlineData(".status.missing", "")]
    public void Printer_column_paths_select_the_documented_subset(string path, string expected) =>
        Assert.Equal(expected, string.Join(",", JsonPathColumn.Evaluate(Doc, path).Select(n => n.ToString())));
}

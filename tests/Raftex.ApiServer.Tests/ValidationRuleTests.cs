using System.Text.Json.Nodes;

namespace Raftex.ApiServer.Tests;

public sealed class ValidationRuleTests
{
    [Theory]
    [InlineData("self == oldSelf", """{"a":1}""", """{"a":1}""", true)]
    [InlineData("self == oldSelf", """{"a":1}""", """{"a":2}""", false)]
    [InlineData("oldSelf == self", "\"x\"", "\"y\"", false)]
    [InlineData("has(self.c) == has(oldSelf.c)", """{"c":"x"}""", """{}""", false)]
    [InlineData("has(self.c) == has(oldSelf.c)", """{"c":"x"}""", """{"c":"y"}""", true)]
    [InlineData("self.size != oldSelf.size", """{"size":"1Gi"}""", """{"size":"2Gi"}""", true)]
    [InlineData("self.mode == 'Fast'", """{"mode":"Fast"}""", "null", true)]
    [InlineData("self.replicas == 3", """{"replicas":4}""", "null", false)]
    [InlineData("has(self.image)", """{"image":"x"}""", "null", true)]
    public void Supported_rules_evaluate_like_CEL(string rule, string self, string old, bool holds)
    {
        var parsed = ValidationRule.Parse(rule);
        Assert.NotNull(parsed);
        Assert.Equal(holds, parsed.Holds(JsonNode.Parse(self), JsonNode.Parse(old)));
    }

    [Theory]
    [InlineData("self.replicas % 2 == 1")]
    [InlineData("self.all(x, x > 0)")]
    [InlineData("size(self) < 10")]
    public void Unsupported_rules_are_recognised_as_such(string rule) => Assert.Null(ValidationRule.Parse(rule));

    [Fact]
    public void Transition_rules_are_those_that_read_oldSelf()
    {
        Assert.True(ValidationRule.Parse("self == oldSelf")!.IsTransition);
        Assert.False(ValidationRule.Parse("has(self.x)")!.IsTransition);
    }
}

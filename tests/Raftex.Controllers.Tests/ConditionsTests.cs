using k8s.Models;

namespace Raftex.Controllers.Tests;

public sealed class ConditionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Last_transition_time_moves_only_when_the_status_flips()
    {
        var list = new List<V1Condition>();
        Assert.True(Conditions.Set(list, "Available", Conditions.False, "NoLeader", "no leader yet", 1, T0));
        Assert.Equal(T0.UtcDateTime, list[0].LastTransitionTime);

        // Same status, new reason/message/generation: updated, but the transition time stays.
        Assert.True(Conditions.Set(list, "Available", Conditions.False, "NoQuorum", "1 of 3 ready", 2, T0.AddMinutes(1)));
        Assert.Equal(("NoQuorum", "1 of 3 ready", 2L), (list[0].Reason, list[0].Message, list[0].ObservedGeneration!.Value));
        Assert.Equal(T0.UtcDateTime, list[0].LastTransitionTime);

        Assert.True(Conditions.Set(list, "Available", Conditions.True, "LeaderElected", "leader raftex-0", 2, T0.AddMinutes(2)));
        Assert.Equal(T0.AddMinutes(2).UtcDateTime, list[0].LastTransitionTime);
        Assert.True(Conditions.IsTrue(list, "Available"));
        Assert.Single(list);
    }

    [Fact]
    public void Setting_an_identical_condition_reports_no_change()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, "Progressing", Conditions.True, "Rolling", "pod 2 of 3", 4, T0);
        Assert.False(Conditions.Set(list, "Progressing", Conditions.True, "Rolling", "pod 2 of 3", 4, T0.AddHours(1)));
        Assert.Equal(T0.UtcDateTime, list[0].LastTransitionTime);
    }

    [Fact]
    public void Conditions_of_different_types_are_independent()
    {
        var list = new List<V1Condition>();
        Conditions.Set(list, "Available", Conditions.True, "LeaderElected", "ok", 1, T0);
        Conditions.Set(list, "Degraded", Conditions.True, "PodNotReady", "raftex-2 not ready", 1, T0.AddSeconds(5));

        Assert.Equal(2, list.Count);
        Assert.Equal(T0.UtcDateTime, Conditions.Find(list, "Available")!.LastTransitionTime);
        Assert.True(Conditions.Remove(list, "Degraded"));
        Assert.Null(Conditions.Find(list, "Degraded"));
        Assert.False(Conditions.IsTrue(list, "Degraded"));
    }

    [Theory]
    [InlineData("Maybe", "Fine")]
    [InlineData("True", "has space")]
    [InlineData("True", "1StartsWithDigit")]
    [InlineData("True", "")]
    public void Invalid_status_or_reason_is_rejected_with_a_precise_error(string status, string reason)
    {
        var list = new List<V1Condition>();
        var error = Assert.ThrowsAny<ArgumentException>(() => Conditions.Set(list, "Available", status, reason, "m", 1, T0));
        Assert.Contains(status == "Maybe" ? "True, False or Unknown" : "reason", error.Message, StringComparison.Ordinal);
        Assert.Empty(list);
    }
}

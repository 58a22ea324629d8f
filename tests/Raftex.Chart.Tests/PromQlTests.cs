namespace Raftex.Chart.Tests;

/// <summary>The metric-name extraction the monitoring check relies on.</summary>
public sealed class PromQlTests
{
    [Theory]
    [InlineData("max by (namespace, raftex_io_cluster) (raftex_role) < 3", "raftex_role")]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(raftex_order_latency_seconds_bucket{namespace=~\"$namespace\", pod!=\"a{b}\"}[$__rate_interval]))) > 0.25", "raftex_order_latency_seconds_bucket")]
    [InlineData("max by (c) (raftex_commit_index) - on (c) group_right raftex_applied_index", "raftex_applied_index raftex_commit_index")]
    [InlineData("count_values by (namespace, pod) (\"index\", raftex_state_hash_checkpoint_index) * on (pod) group_left (index) up offset 5m", "raftex_state_hash_checkpoint_index up")]
    [InlineData("label_values(raftex_term{namespace=~\"$namespace\"}, raftex_io_cluster)", "raftex_term")]
    [InlineData("label_values(namespace)", "")]
    [InlineData("sum(rate(raftex_trades_total[1m])) by (outcome) and bool 1e3", "raftex_trades_total")]
    public void Metric_names_are_told_apart_from_labels_functions_and_strings(string expr, string expected)
    {
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), PromQl.MetricNames(expr));
    }
}

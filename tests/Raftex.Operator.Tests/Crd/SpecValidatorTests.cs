using k8s.Models;
using Raftex.Operator.Api;
using Raftex.Operator.Validation;

namespace Raftex.Operator.Tests.Crd;

public sealed class SpecValidatorTests
{
    internal static ExchangeClusterSpec ValidSpec() => new()
    {
        Replicas = 3,
        Image = "raftex/node:1.0",
        Symbols = [new SymbolSpec { Name = "BTC-USD", TickSize = "0.01", LotSize = "0.0001" }],
        Storage = new StorageSpec { Size = new ResourceQuantity("1Gi") },
    };

    [Fact]
    public void A_sensible_spec_is_valid_without_warnings()
    {
        var result = SpecValidator.Validate(ValidSpec());
        Assert.True(result.IsValid, result.ErrorSummary);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Even_replicas_are_allowed_with_a_warning()
    {
        var spec = ValidSpec();
        spec.Replicas = 4;
        var result = SpecValidator.Validate(spec);
        Assert.True(result.IsValid);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("spec.replicas", warning.Field);
        Assert.Contains("odd", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("btc-usd", "is not BASE-QUOTE")]
    [InlineData("BTCUSD", "is not BASE-QUOTE")]
    [InlineData("USD-USD", "against itself")]
    public void Malformed_symbol_names_are_refused_precisely(string name, string expected)
    {
        var spec = ValidSpec();
        spec.Symbols[0].Name = name;
        var error = Assert.Single(SpecValidator.Validate(spec).Errors);
        Assert.Equal("spec.symbols[0].name", error.Field);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_symbols_and_zero_increments_are_refused()
    {
        var spec = ValidSpec();
        spec.Symbols.Add(new SymbolSpec { Name = "BTC-USD", TickSize = "0", LotSize = "1.5.2" });
        var errors = SpecValidator.Validate(spec).Errors;
        Assert.Contains(errors, e => e.Field == "spec.symbols[1].name" && e.Message.Contains("more than once", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "spec.symbols[1].tickSize" && e.Message.Contains("greater than zero", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "spec.symbols[1].lotSize");
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Heartbeat_must_leave_room_for_three_before_an_election()
    {
        var spec = ValidSpec();
        spec.Raft = new RaftTimings { HeartbeatIntervalMs = 400, ElectionTimeoutMs = 1000 };
        var error = Assert.Single(SpecValidator.Validate(spec).Errors);
        Assert.Equal("spec.raft.electionTimeoutMs", error.Field);
        Assert.Contains("1200 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_timeout_shorter_than_ten_elections_is_refused()
    {
        var spec = ValidSpec();
        spec.Raft = new RaftTimings { ElectionTimeoutMs = 5000 };
        spec.PodReadinessTimeoutSeconds = 20;
        var error = Assert.Single(SpecValidator.Validate(spec).Errors);
        Assert.Equal("spec.podReadinessTimeoutSeconds", error.Field);
    }

    [Fact]
    public void Planes_sharing_a_port_are_named()
    {
        var spec = ValidSpec();
        spec.Service = new ServiceSpec { Ports = new PortsSpec { Admin = 7001 } };
        var error = Assert.Single(SpecValidator.Validate(spec).Errors);
        Assert.Equal("client and admin share port 7001; each plane needs its own port", error.Message);
    }

    [Fact]
    public void Requests_above_limits_are_refused()
    {
        var spec = ValidSpec();
        spec.Resources = new ComputeResources
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new("2Gi") },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("1Gi") },
        };
        var error = Assert.Single(SpecValidator.Validate(spec).Errors);
        Assert.Equal("spec.resources.requests.memory", error.Field);
    }

    [Fact]
    public void Untagged_image_gets_a_warning_and_blank_image_an_error()
    {
        var spec = ValidSpec();
        spec.Image = "registry:5000/raftex/node";
        Assert.Contains(SpecValidator.Validate(spec).Warnings, w => w.Field == "spec.image");
        spec.Image = " ";
        Assert.Contains(SpecValidator.Validate(spec).Errors, e => e.Field == "spec.image");
    }
}

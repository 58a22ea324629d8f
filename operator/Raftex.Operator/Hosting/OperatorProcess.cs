using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Raftex.Controllers;
using Raftex.Operator.Reconciling;

namespace Raftex.Operator.Hosting;

/// <summary>The <c>raftex-operator run</c> process: Kubernetes client, metrics endpoint, operator host, clean shutdown on SIGTERM.</summary>
public static class OperatorProcess
{
    /// <summary>Runs the operator until SIGTERM/Ctrl-C; returns the exit code.</summary>
    public static async Task<int> RunAsync(OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var adminToken = options.ReadAdminToken();
        var config = options.Kubeconfig is not null
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig)
            : KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildDefaultConfig();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.MetricsAddress, options.MetricsPort));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(OperatorMetrics.MeterName).AddPrometheusExporter());
        await using var app = builder.Build();
        if (options.MetricsPort != 0)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        app.MapGet("/healthz", () => "ok");
        using var kube = new Kubernetes(config);
        using var admin = new DnsAdminConnector(options.AdminTimeout, adminToken);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var host = new OperatorHost(kube, admin, options, loggers);

        await app.StartAsync().ConfigureAwait(false);
        var logger = loggers.CreateLogger("raftex-operator");
        logger.LogInformation("raftex-operator running against {Server}, namespace {Namespace}, leader election {LeaderElection}, metrics port {Port}",
            config.Host, options.Namespace ?? "(all)", options.LeaderElection, options.MetricsPort);
        var stopping = app.Lifetime.ApplicationStopping;
        await host.RunAsync(stopping).ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        return 0;
    }
}

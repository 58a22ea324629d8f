using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Raftex.Agents;

/// <summary>Entry point of raftex-agents.</summary>
internal static class Program
{
    /// <summary>The meter of every agents metric.</summary>
    public const string MeterName = "Raftex.Agents";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static async Task<int> Main(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(AgentOptions.Usage);
            return 0;
        }

        AgentOptions options;
        try
        {
            options = AgentOptions.Parse(args, Environment.GetEnvironmentVariable);
            if (options.TokenFile is { } tokenFile && !File.Exists(tokenFile))
            {
                throw new ArgumentException($"--token-file {tokenFile}: no such file");
            }
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"raftex-agents: {e.Message}\n(raftex-agents --help lists the options)").ConfigureAwait(false);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var meter = new Meter(MeterName);
        await using var fleet = new Fleet(options, meter);
        await using var metrics = options.MetricsPort == 0 ? null : await StartMetricsAsync(options, fleet).ConfigureAwait(false);
        using var progressStop = new CancellationTokenSource();
        var progress = new ProgressReporter(fleet, options.Progress, Console.Error, TimeProvider.System).RunAsync(progressStop.Token);
        RunSummary summary;
        try
        {
            summary = await fleet.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (FleetException e)
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"raftex-agents: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
            await Console.Error.WriteLineAsync("raftex-agents: stopped before trading began").ConfigureAwait(false);
            return 1;
        }

        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        var text = JsonSerializer.Serialize(summary, Json);
        Console.WriteLine(text);
        if (options.SummaryPath is { } path)
        {
            await File.WriteAllTextAsync(path, text + "\n").ConfigureAwait(false);
        }

        if (options.Linger)
        {
            await Console.Error.WriteLineAsync("raftex-agents: run complete; lingering until SIGTERM").ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM.
            }
        }

        return 0;
    }

    private static async Task<WebApplication> StartMetricsAsync(AgentOptions options, Fleet fleet)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.MetricsAddress, options.MetricsPort));
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(MeterName)
            .AddView(instrument => instrument.Unit == "s" ? new ExplicitBucketHistogramConfiguration { Boundaries = FleetStats.SecondsBuckets } : null)
            .AddPrometheusExporter());
        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", () => "ok");
        // Ready while trading: a pod that finished its run (or is still funding) takes no part in the fleet's count.
        app.MapGet("/readyz", () => fleet.IsTrading ? Results.Text("trading") : Results.Text(fleet.Phase, statusCode: 503));
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }
}

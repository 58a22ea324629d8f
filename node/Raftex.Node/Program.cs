using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Raftex.Node;
using Raftex.Raft.Storage;

NodeOptions options;
try
{
    options = NodeOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"raftex-node: {ex.Message}");
    Console.Error.WriteLine(NodeOptions.Usage);
    return 2;
}

// A bootstrap member of a restored cluster checks its backup before anything is written, so a refusal leaves the
// data directory as new as it was.
Raftex.Backup.VerifiedBackup? seed = null;
if (options is { Bootstrap: true, RestoreStore: not null, RestoreBackup: not null } && !DataDirectory.HasIdentity(options.DataDir))
{
    try
    {
        seed = await Raftex.Backup.BackupVerifier.VerifyAsync(Raftex.Backup.BackupStores.Open(options.RestoreStore), options.RestoreBackup, CancellationToken.None).ConfigureAwait(false);
        if (seed.Manifest.ClusterId == options.ClusterId)
        {
            throw new ArgumentException(
                $"backup {seed.Location} comes from cluster '{options.ClusterId}' itself; a restored cluster needs a fresh --cluster-id so it can never join or be joined by the old cluster's members");
        }

        Console.Error.WriteLine($"raftex-node: starting from backup {seed.Location}: index {seed.Manifest.Index}, term {seed.Manifest.Term}, state hash {seed.Manifest.StateHash}");
    }
    catch (Exception ex) when (ex is Raftex.Backup.BackupException or ArgumentException)
    {
        return StartupRefusal.Report(ex);
    }
}

DataDirectory data;
Raftex.Exchange.ExchangeConfig exchange;
TokenAuthority auth;
string? peerSecret;
IPeerResolver resolver;
PeerIncarnations incarnations;
try
{
    exchange = options.SymbolsJsonFile is { } symbolsJson ? SymbolsFile.LoadJson(symbolsJson) : SymbolsFile.Load(options.SymbolsFile);
    auth = TokenAuthority.Load(options.AdminTokenFile, options.ClientTokensFile);
    peerSecret = options.PeerSecretFile is null ? null : TokenAuthority.ReadSecret(options.PeerSecretFile);
    resolver = await PeerResolvers.CreateAsync(options.PeerHostsFile).ConfigureAwait(false);
    data = DataDirectory.Open(options.DataDir, options.ClusterId, options.NodeId, options.WalSegmentMb * 1024L * 1024);
    incarnations = new PeerIncarnations(data.Path);
    data.Seed = seed?.Snapshot;
}
catch (WalLockedException ex)
{
    Console.Error.WriteLine($"raftex-node: data directory {options.DataDir} is in use by another process: {ex.Message}");
    return 3;
}
catch (Exception ex) when (StartupRefusal.Covers(ex))
{
    return StartupRefusal.Report(ex);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
// Peer and session streams never end on their own: don't let them hold shutdown for the default 30 s.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
    o.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled;
});
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Grpc", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
// The host logs a failed start (a listen address taken) with a stack trace; the node refuses it in one line instead.
// It runs no BackgroundService, whose failures the host would log under the same category.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(options.ClientListen, l => l.Protocols = HttpProtocols.Http2);
    k.Listen(options.PeerListen, l => l.Protocols = HttpProtocols.Http2);
    k.Listen(options.AdminListen, l => l.Protocols = HttpProtocols.Http2);
    k.Listen(options.HttpListen, l => l.Protocols = HttpProtocols.Http1);
    k.Limits.Http2.MaxStreamsPerConnection = 4096;
    k.Limits.Http2.InitialConnectionWindowSize = 8 * 1024 * 1024;
    k.Limits.Http2.InitialStreamWindowSize = 4 * 1024 * 1024;
});
builder.Services.AddGrpc(o =>
{
    o.MaxReceiveMessageSize = 64 * 1024;
    // Exception text stays in the node's log, never in a status a client sees.
    o.EnableDetailedErrors = false;
    o.Interceptors.Add<CallOutcomeInterceptor>();
}).AddServiceOptions<PeerService>(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
builder.Services.AddGrpcHealthChecks().AddCheck("raft", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
// After every AddGrpc (the health checks add it again): the only method provider, so a body that is not valid protobuf
// is INVALID_ARGUMENT on every service, unary calls included.
builder.Services.RemoveAll(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>));
builder.Services.AddSingleton(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>), typeof(ParseCheckedServiceMethodProvider<>));
builder.Services.AddOpenTelemetry().WithMetrics(m => m
    .AddMeter(NodeMetrics.MeterName)
    .AddView(instrument => instrument.Unit == "s" ? new ExplicitBucketHistogramConfiguration { Boundaries = NodeMetrics.SecondsBuckets } : null)
    .AddPrometheusExporter());

var identity = new NodeIdentity(data.ClusterId, options.NodeId, data.Incarnation, options.ClientAddress, options.PeerAddress, peerSecret);
var metrics = new NodeMetrics();
var faults = new FaultSet(TimeProvider.System);
var directory = new PeerDirectory(options.Peers);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(identity);
builder.Services.AddSingleton(metrics);
builder.Services.AddSingleton(faults);
builder.Services.AddSingleton(incarnations);
builder.Services.AddSingleton(directory);
builder.Services.AddSingleton(auth);
builder.Services.AddSingleton(new CommandFactory(exchange));
builder.Services.AddSingleton(sp => new PeerEndpoints(resolver, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Raftex.Peer")));
builder.Services.AddSingleton(sp => new PeerTransport(identity, directory, sp.GetRequiredService<PeerEndpoints>(), faults, incarnations, TimeSpan.FromMilliseconds(options.HeartbeatMs), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Raftex.Peer")));
builder.Services.AddSingleton(sp => new RaftHost(options, data, exchange, sp.GetRequiredService<PeerTransport>(), faults, metrics, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Raftex.Raft")));
builder.Services.AddSingleton(sp => new Forwarder(sp.GetRequiredService<PeerTransport>(), directory, sp.GetRequiredService<PeerEndpoints>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("Raftex.Forward")));
builder.Services.AddSingleton<WriteRouter>();
builder.Services.AddSingleton<ExchangeService>();
builder.Services.AddSingleton<SessionAdmission>();
builder.Services.AddSingleton<OrderSessionService>();
builder.Services.AddSingleton<AdminService>();
builder.Services.AddSingleton<PeerService>();

var app = builder.Build();
var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Raftex.Node");
RaftHost host;
try
{
    // Restores the exchange state and Raft from the data directory: what it finds there may still be refused.
    host = app.Services.GetRequiredService<RaftHost>();
}
catch (Exception ex) when (StartupRefusal.Covers(ex))
{
    data.Dispose();
    return StartupRefusal.Report(ex);
}

host.MemberRemoved = id => incarnations.Set(id, null);
faults.Changed += change => log.LogWarning("Faults: {Change}", change);

string Port(System.Net.IPEndPoint e) => $"*:{e.Port}";
app.MapGrpcService<ExchangeService>().RequireHost(Port(options.ClientListen));
app.MapGrpcService<OrderSessionService>().RequireHost(Port(options.ClientListen));
app.MapGrpcService<PeerService>().RequireHost(Port(options.PeerListen));
app.MapGrpcService<AdminService>().RequireHost(Port(options.AdminListen));
app.MapGrpcHealthChecksService().RequireHost(Port(options.ClientListen), Port(options.AdminListen));
app.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost(Port(options.HttpListen));
app.MapGet("/readyz", (AdminService admin) =>
{
    var status = admin.Status();
    return status.Ready
        ? Results.Text($"ready: leader {status.LeaderId}, applied {status.AppliedIndex}, commit {status.CommitIndex}\n")
        : Results.Text(
            status.DiskFull
                ? $"not ready: {status.DiskFullDetail}\n"
                : $"not ready: leader {status.LeaderId}, applied {status.AppliedIndex}, commit {status.CommitIndex}\n",
            statusCode: 503);
}).RequireHost(Port(options.HttpListen));
app.MapPrometheusScrapingEndpoint().RequireHost(Port(options.HttpListen));

if (auth.AdminOpen)
{
    log.LogWarning("OPEN MODE: no --admin-token-file; the Admin API accepts every caller");
}

if (auth.ClientsOpen)
{
    log.LogWarning("OPEN MODE: no --client-tokens-file; any client may act on any account");
}

if (resolver is HostsFilePeerResolver hostsFile)
{
    log.LogInformation("Peer names resolve through {HostsFile} (read on every reconnect), then DNS", hostsFile.Path);
}

if (peerSecret is null)
{
    log.LogWarning("OPEN MODE: no --peer-secret-file; peers are not authenticated");
}

var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
lifetime.ApplicationStopping.Register(() =>
{
    // SIGTERM: a leader hands over first (bounded wait), then every node flushes and exits.
    log.LogInformation("Stopping: role {Role}", host.View.Role);
    host.StopAsync(transferLeadership: true).GetAwaiter().GetResult();
    app.Services.GetRequiredService<Forwarder>().DisposeAsync().AsTask().GetAwaiter().GetResult();
    app.Services.GetRequiredService<PeerTransport>().DisposeAsync().AsTask().GetAwaiter().GetResult();
    data.Dispose();
    log.LogInformation("Stopped cleanly");
});

host.Start();
try
{
    await app.StartAsync().ConfigureAwait(false);
}
catch (IOException ex)
{
    // Kestrel binds only now: a listen address another process holds, or one this machine does not have.
    return StartupRefusal.Report(ex, "free the address or choose another with --client-listen, --peer-listen, --admin-listen or --http-listen");
}

log.LogInformation(
    "Node {NodeId} of cluster {ClusterId} (incarnation {Incarnation}) listening: client {Client}, peer {Peer}, admin {Admin}, http {Http}",
    options.NodeId, data.ClusterId, data.Incarnation, options.ClientListen, options.PeerListen, options.AdminListen, options.HttpListen);
await app.WaitForShutdownAsync().ConfigureAwait(false);
await app.DisposeAsync().ConfigureAwait(false);
return 0;

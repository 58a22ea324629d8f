using Raftex.Client;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>Concurrent clients placing resting orders through unary calls and order sessions, recorded in a <see cref="History"/>.</summary>
internal sealed class Load(TestCluster cluster, History history, int unaryClients, int sessionClients)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _tasks = [];
    private long _ops;

    public long Operations => Interlocked.Read(ref _ops);

    public static ulong AccountOf(int client) => (ulong)(client + 1);

    /// <summary>Funds every client's account, then starts the clients.</summary>
    public static async Task<Load> StartFundedAsync(TestCluster cluster, History history, int unaryClients, int sessionClients)
    {
        var load = new Load(cluster, history, unaryClients, sessionClients);
        await load.FundAsync();
        load.Start();
        return load;
    }

    /// <summary>Funds every client's account (acknowledged before load starts).</summary>
    public async Task FundAsync()
    {
        using var client = new ExchangeClient(cluster.ClientOptions());
        for (var c = 0; c < unaryClients + sessionClients; c++)
        {
            await history.DepositAsync(client, History.Deposit(AccountOf(c), 1, "USD", History.UsdDeposit));
            await history.DepositAsync(client, History.Deposit(AccountOf(c), 2, "BTC", History.BtcDeposit));
        }
    }

    public void Start()
    {
        for (var c = 0; c < unaryClients; c++)
        {
            var account = AccountOf(c);
            _tasks.Add(Task.Run(() => UnaryAsync(account)));
        }

        for (var c = unaryClients; c < unaryClients + sessionClients; c++)
        {
            var account = AccountOf(c);
            _tasks.Add(Task.Run(() => SessionAsync(account)));
        }
    }

    /// <summary>Waits until at least <paramref name="more"/> further operations completed.</summary>
    public Task ProgressAsync(long more)
    {
        var target = Operations + more;
        return TestCluster.WaitForAsync(() => Task.FromResult<object?>(Operations >= target ? new object() : null), _ => true, $"{more} more operations");
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_tasks);
    }

    private async Task UnaryAsync(ulong account)
    {
        var random = new Random((int)account);
        using var client = new ExchangeClient(cluster.ClientOptions());
        ulong id = 1000; // client ids are per account across command types: stay clear of the deposit ids
        while (!_stop.IsCancellationRequested)
        {
            await history.SubmitAsync(client, History.Order(account, ++id, random));
            Interlocked.Increment(ref _ops);
        }
    }

    private async Task SessionAsync(ulong account)
    {
        var random = new Random((int)account);
        await using var session = new OrderSessionClient(cluster.ClientOptions());
        ulong id = 1000; // client ids are per account across command types: stay clear of the deposit ids
        var inflight = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            // A few outstanding at a time, as a real session keeps many in flight.
            for (var k = 0; k < 8; k++)
            {
                var order = History.Order(account, ++id, random);
                history.Sent(order);
                inflight.Add(SendAsync(session, order));
            }

            await Task.WhenAll(inflight);
            inflight.Clear();
        }
    }

    private async Task SendAsync(OrderSessionClient session, SubmitOrderRequest order)
    {
        using var timeout = new CancellationTokenSource(TestCluster.Converge);
        try
        {
            var report = await session.SendAsync(new SessionCommand { Submit = order }, timeout.Token);
            if (report.ErrorCode == 0)
            {
                history.Acked(order, report.Reply);
            }
            else
            {
                history.Unknowable();
            }
        }
        catch (OperationCanceledException)
        {
            history.Unknowable();
        }

        Interlocked.Increment(ref _ops);
    }
}

using System.Threading.Channels;
using k8s;
using k8s.Models;

namespace Raftex.Controllers.Tests;

/// <summary>A fake list/watch source: the test sets the list, pushes watch events, ends or fails watches.</summary>
internal sealed class FakeListWatchSource<T> : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _lock = new();
    private Channel<Func<WatchEvent<T>>>? _current;

    public List<T> Items { get; } = [];

    public string ListResourceVersion { get; set; } = "1";

    public Queue<Exception> ListFailures { get; } = new();

    public Queue<Exception> WatchStartFailures { get; } = new();

    public List<string> WatchRequests { get; } = [];

    public int ListCalls { get; private set; }

    public int WatchCalls
    {
        get
        {
            lock (_lock)
            {
                return WatchRequests.Count;
            }
        }
    }

    /// <summary>True while a watch is open and waiting for events.</summary>
    public bool Watching
    {
        get
        {
            lock (_lock)
            {
                return _current is not null;
            }
        }
    }

    public List<T> Replaced { get; } = [];

    public List<T> StatusWrites { get; } = [];

    public Func<T, T>? OnReplace { get; set; }

    public Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ListCalls++;
            if (ListFailures.TryDequeue(out var failure))
            {
                throw failure;
            }

            return Task.FromResult(new ResourceList<T>([.. Items], ListResourceVersion));
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Channel<Func<WatchEvent<T>>> channel;
        lock (_lock)
        {
            WatchRequests.Add(resourceVersion);
            if (WatchStartFailures.TryDequeue(out var failure))
            {
                throw failure;
            }

            channel = Channel.CreateUnbounded<Func<WatchEvent<T>>>();
            _current = channel;
        }

        try
        {
            await foreach (var next in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return next();
            }
        }
        finally
        {
            lock (_lock)
            {
                if (_current == channel)
                {
                    _current = null;
                }
            }
        }
    }

    public void Push(WatchEventType type, T obj) => Writer().TryWrite(() => new WatchEvent<T>(type, obj));

    public void PushError(int code, string message) =>
        Writer().TryWrite(() => new WatchEvent<T>(WatchEventType.Error, null, new V1Status { Code = code, Message = message }));

    /// <summary>Makes the open watch throw, as a dropped connection does.</summary>
    public void Fail(Exception error) => Writer().TryWrite(() => throw error);

    /// <summary>Ends the open watch normally, as a server timeout does.</summary>
    public void Close() => Writer().TryComplete();

    public Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Items.FirstOrDefault(i => ObjectKey.Of(i) == key));
        }
    }

    public Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Replaced.Add(obj);
            var stored = OnReplace?.Invoke(obj) ?? obj;
            Items.RemoveAll(i => ObjectKey.Of(i) == ObjectKey.Of(obj));
            Items.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            StatusWrites.Add(obj);
            return Task.FromResult(obj);
        }
    }

    private ChannelWriter<Func<WatchEvent<T>>> Writer()
    {
        lock (_lock)
        {
            return (_current ?? throw new InvalidOperationException("No watch is open.")).Writer;
        }
    }
}

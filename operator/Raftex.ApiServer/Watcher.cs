using System.Threading.Channels;

namespace Raftex.ApiServer;

/// <summary>A registered watch: the store pushes matching events into its channel under the store lock, so they arrive in resourceVersion order.</summary>
internal sealed class Watcher(GroupResource resource, string? ns)
{
    private readonly Channel<StoredEvent> _events = Channel.CreateUnbounded<StoredEvent>(new UnboundedChannelOptions { SingleReader = true });

    public GroupResource Resource { get; } = resource;

    public string? Namespace { get; } = ns;

    public ChannelReader<StoredEvent> Events => _events.Reader;

    public bool Wants(StoredEvent e) => e.Resource == Resource && (Namespace is null || e.Namespace == Namespace);

    public void Push(StoredEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Ends the watch: the HTTP response finishes once the queued events are written.</summary>
    public void Close() => _events.Writer.TryComplete();
}

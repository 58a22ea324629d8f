using System.Threading.Channels;
using Grpc.Core;

namespace Raftex.Node;

/// <summary>
/// Serialises writes to one gRPC stream from many completing threads: messages queue in a channel and one loop writes
/// them, buffering all but the last of each burst so a burst costs one flush.
/// </summary>
internal sealed class StreamWriterLoop<T>
    where T : class
{
    private static readonly WriteOptions Buffered = new(WriteFlags.BufferHint);
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });

    public bool TryWrite(T message) => _queue.Writer.TryWrite(message);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(IAsyncStreamWriter<T> stream, CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                var more = reader.TryPeek(out _);
                stream.WriteOptions = more ? Buffered : WriteOptions.Default;
                await stream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

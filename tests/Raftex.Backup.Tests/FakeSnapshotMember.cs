using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Raftex.Protocol.V1;

namespace Raftex.Backup.Tests;

/// <summary>
/// An Admin client whose <c>StreamSnapshot</c> answers, in process, with the chunks a member would send for a test
/// backup (header, then data chunks with their SHA-256, the last with the file's), after <see cref="Damage"/> has had
/// its say; every other call is refused.
/// </summary>
internal sealed class FakeSnapshotMember : CallInvoker
{
    private readonly TestBackups.Built _backup;
    private readonly int _chunkBytes;

    public FakeSnapshotMember(TestBackups.Built backup, int chunkBytes = 64 * 1024)
    {
        _backup = backup;
        _chunkBytes = chunkBytes;
    }

    /// <summary>Changes the chunks before they are sent (a damaged or broken stream).</summary>
    public Func<List<SnapshotChunk>, IEnumerable<SnapshotChunk>> Damage { get; init; } = chunks => chunks;

    /// <summary>When set, the stream fails with this status after this many chunks.</summary>
    public (int After, StatusCode Code)? BreakAfter { get; init; }

    public Admin.AdminClient Client => new(this);

    public List<SnapshotChunk> Chunks()
    {
        var m = _backup.Manifest;
        var header = new SnapshotHeader
        {
            ClusterId = m.ClusterId, GroupId = m.GroupId, NodeId = (ulong)m.NodeId, Index = (ulong)m.Index, Term = (ulong)m.Term,
            StateHash = m.StateHashValue, FileFormatVersion = m.SnapshotFileFormatVersion, ExchangeSnapshotVersion = m.ExchangeSnapshotVersion,
            EntryFormatVersion = m.EntryFormatVersion, Size = (ulong)_backup.Data.Length,
        };
        header.Voters.AddRange(m.Voters.Select(v => (ulong)v));
        var chunks = new List<SnapshotChunk> { new() { Header = header } };
        for (var offset = 0; offset < _backup.Data.Length; offset += _chunkBytes)
        {
            var data = _backup.Data.AsMemory(offset, Math.Min(_chunkBytes, _backup.Data.Length - offset));
            var chunk = new SnapshotChunk { Data = ByteString.CopyFrom(data.Span), Offset = (ulong)offset, Sha256 = ByteString.CopyFrom(SHA256.HashData(data.Span)) };
            if (offset + data.Length == _backup.Data.Length)
            {
                chunk.FileSha256 = ByteString.CopyFrom(SHA256.HashData(_backup.Data));
            }

            chunks.Add(chunk);
        }

        return chunks;
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        if (method.Name != "StreamSnapshot" || typeof(TResponse) != typeof(SnapshotChunk))
        {
            throw new InvalidOperationException($"the fake member serves StreamSnapshot only, not {method.FullName}");
        }

        var reader = new Reader(Damage(Chunks()).ToList(), BreakAfter, options.CancellationToken);
        return new AsyncServerStreamingCall<TResponse>((IAsyncStreamReader<TResponse>)(object)reader,
            Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new InvalidOperationException($"the fake member serves StreamSnapshot only, not {method.FullName}");

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new InvalidOperationException($"the fake member serves StreamSnapshot only, not {method.FullName}");

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new InvalidOperationException($"the fake member serves StreamSnapshot only, not {method.FullName}");

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw new InvalidOperationException($"the fake member serves StreamSnapshot only, not {method.FullName}");

    private sealed class Reader(List<SnapshotChunk> chunks, (int After, StatusCode Code)? breakAfter, CancellationToken callToken) : IAsyncStreamReader<SnapshotChunk>
    {
        private int _next = -1;

        public SnapshotChunk Current => chunks[_next];

        public Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            callToken.ThrowIfCancellationRequested();
            if (breakAfter is { } broken && _next + 1 == broken.After)
            {
                throw new RpcException(new Status(broken.Code, "the member went away"));
            }

            return Task.FromResult(++_next < chunks.Count);
        }
    }
}

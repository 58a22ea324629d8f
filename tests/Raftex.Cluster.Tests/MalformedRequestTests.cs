using System.Buffers.Binary;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Google.Protobuf;
using Raftex.Protocol.V1;

namespace Raftex.Cluster.Tests;

/// <summary>
/// Raw HTTP/2 gRPC calls whose body is not valid protobuf, against a real node: every service answers INVALID_ARGUMENT
/// with a short message naming the expected request message, for unary and streaming methods alike, and no exception text.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MalformedRequestTests
{
    /// <summary>A tag varint that never ends (malformed varint) and a length-delimited field longer than the message (truncated).</summary>
    private static readonly byte[][] Garbage = [[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0x0A, 0x7F, 0x01, 0x02]];

    [Fact]
    public async Task A_body_that_is_not_valid_protobuf_is_invalid_argument_on_every_service_unary_and_streaming()
    {
        using var cluster = new TestCluster(1);
        cluster.Bootstrap(1);
        var leader = await cluster.WaitForLeaderAsync();
        var slot = cluster.Slot(leader);
        using var http = new HttpClient { Timeout = TestCluster.Converge };

        // The raw call itself is sound: a valid (empty) request is served through the same binding.
        var valid = await RawCallAsync(http, slot.AdminPort, "/raftex.v1.Admin/GetStatus", [[]]);
        Assert.Equal(("0", string.Empty), valid);

        var methods = new (int Port, string Path, string Request)[]
        {
            (slot.ClientPort, "/raftex.v1.Exchange/Deposit", "raftex.v1.TransferRequest"),
            (slot.ClientPort, "/raftex.v1.Exchange/SubmitOrder", "raftex.v1.SubmitOrderRequest"),
            (slot.ClientPort, "/raftex.v1.Exchange/StreamTrades", "raftex.v1.StreamTradesRequest"),
            (slot.ClientPort, "/raftex.v1.OrderSession/Open", "raftex.v1.SessionRequest"),
            (slot.ClientPort, "/grpc.health.v1.Health/Check", "grpc.health.v1.HealthCheckRequest"),
            (slot.AdminPort, "/raftex.v1.Admin/GetStatus", "raftex.v1.GetStatusRequest"),
            (slot.AdminPort, "/raftex.v1.Admin/SetFaults", "raftex.v1.SetFaultsRequest"),
            (slot.PeerPort, "/raftex.v1.Peer/Raft", "raftex.v1.RaftBatch"),
            (slot.PeerPort, "/raftex.v1.Peer/Forward", "raftex.v1.ForwardRequest"),
        };
        foreach (var (port, path, request) in methods)
        {
            foreach (var garbage in Garbage)
            {
                var (status, message) = await RawCallAsync(http, port, path, [garbage]);
                Assert.True(status == "3", $"{path} answered status {status} ({message}) to {Convert.ToHexString(garbage)}");
                Assert.Equal($"the request could not be parsed: it is not a valid {request} protobuf message", message);
            }
        }

        // A stream that starts well and then carries garbage ends the same way, after the session opened.
        var hello = new SessionRequest { Hello = new SessionHello() }.ToByteArray();
        Assert.Equal(
            ("3", "the request could not be parsed: it is not a valid raftex.v1.SessionRequest protobuf message"),
            await RawCallAsync(http, slot.ClientPort, "/raftex.v1.OrderSession/Open", [hello, Garbage[1]]));

        var logs = cluster.Logs();
        Assert.DoesNotContain("InvalidProtocolBufferException", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("Error when executing service method", logs, StringComparison.Ordinal);
    }

    /// <summary>One gRPC call over HTTP/2 without TLS: the messages length-prefixed, the body sent whole; returns grpc-status and the decoded grpc-message.</summary>
    private static async Task<(string Status, string Message)> RawCallAsync(HttpClient http, int port, string path, byte[][] messages)
    {
        var body = new MemoryStream();
        Span<byte> prefix = stackalloc byte[5];
        foreach (var message in messages)
        {
            // Byte 0 (not compressed) stays 0; then the length, big-endian.
            BinaryPrimitives.WriteUInt32BigEndian(prefix[1..], (uint)message.Length);
            body.Write(prefix);
            body.Write(message);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://127.0.0.1:{port}{path}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body.ToArray()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A call that fails before any response message is trailers-only: the status then comes in the headers.
        string? Field(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.Single()
            : response.Headers.TryGetValues(name, out var header) ? header.Single()
            : null;
        var status = Field("grpc-status") ?? throw new InvalidOperationException($"{path} answered without a grpc-status");
        return (status, Uri.UnescapeDataString(Field("grpc-message") ?? string.Empty));
    }
}

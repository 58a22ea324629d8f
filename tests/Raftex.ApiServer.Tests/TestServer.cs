using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace Raftex.ApiServer.Tests;

/// <summary>A started API server plus a KubernetesClient and a raw HttpClient pointed at it.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(ApiServerHost host)
    {
        Host = host;
        Client = new Kubernetes(new KubernetesClientConfiguration { Host = host.Url.ToString() });
        Http = new HttpClient { BaseAddress = host.Url };
    }

    public ApiServerHost Host { get; }

    public Kubernetes Client { get; }

    public HttpClient Http { get; }

    public static async Task<TestServer> StartAsync(ApiServerOptions? options = null) =>
        new(await ApiServerHost.StartAsync(options ?? new ApiServerOptions()));

    public async Task<(HttpStatusCode Code, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? json = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static async Task<HttpOperationException> FailsAsync(Func<Task> call, HttpStatusCode expected)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(expected, e.Response.StatusCode);
        return e;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

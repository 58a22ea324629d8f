using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>
/// List, watch, get, replace and replace-status for one kind over the Kubernetes REST API, through the official
/// client's HTTP pipeline and credentials. Generic over the kind: the path comes from its [KubernetesEntity].
/// </summary>
public sealed class KubernetesResourceClient<T> : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Kubernetes _client;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly TimeSpan _watchTimeout;

    /// <summary>Creates a client for <typeparamref name="T"/> in <paramref name="namespace"/> (null: all namespaces), optionally filtered by a label selector.</summary>
    public KubernetesResourceClient(Kubernetes client, string? @namespace = null, string? labelSelector = null, TimeSpan? watchTimeout = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        _labelSelector = string.IsNullOrEmpty(labelSelector) ? null : labelSelector;
        Path = ResourcePath.Of<T>();

        // The server ends a watch after timeoutSeconds and the informer resumes from its resourceVersion; staying
        // under the HttpClient timeout means the client never aborts a healthy, quiet watch itself.
        var limit = client.HttpClient.Timeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : client.HttpClient.Timeout - TimeSpan.FromSeconds(5);
        var wanted = watchTimeout ?? TimeSpan.FromMinutes(5);
        _watchTimeout = wanted < limit ? wanted : limit;
        if (_watchTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"The HttpClient timeout ({client.HttpClient.Timeout}) leaves no room for a watch.", nameof(client));
        }
    }

    /// <summary>The kind's REST path.</summary>
    public ResourcePath Path { get; }

    /// <inheritdoc />
    public async Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken)
    {
        var query = _labelSelector is null ? string.Empty : $"?labelSelector={Uri.EscapeDataString(_labelSelector)}";
        using var response = await SendAsync(HttpMethod.Get, Path.Collection(_namespace) + query, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var rv = doc.RootElement.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var v) ? v.GetString() ?? string.Empty : string.Empty;
        var items = new List<T>();
        if (doc.RootElement.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in array.EnumerateArray())
            {
                items.Add(Typed(KubernetesJson.Deserialize<T>(element)));
            }
        }

        return new ResourceList<T>(items, rv);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = new StringBuilder("?watch=true&allowWatchBookmarks=true");
        query.Append(CultureInfo.InvariantCulture, $"&timeoutSeconds={(long)_watchTimeout.TotalSeconds}");
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            query.Append("&resourceVersion=").Append(Uri.EscapeDataString(resourceVersion));
        }

        if (_labelSelector is not null)
        {
            query.Append("&labelSelector=").Append(Uri.EscapeDataString(_labelSelector));
        }

        using var response = await SendAsync(HttpMethod.Get, Path.Collection(_namespace) + query, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            yield return Parse(line);
        }
    }

    /// <inheritdoc />
    public async Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, Path.Item(key), null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        using var response = await SendAsync(HttpMethod.Put, Path.Item(ObjectKey.Of(obj)), Typed(obj), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        using var response = await SendAsync(HttpMethod.Put, Path.Item(ObjectKey.Of(obj)) + "/status", Typed(obj), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private WatchEvent<T> Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var typeText = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (!Enum.TryParse<WatchEventType>(typeText, ignoreCase: true, out var type))
        {
            throw new KubernetesApiException(HttpStatusCode.InternalServerError, $"Unknown watch event type '{typeText}'.");
        }

        if (!root.TryGetProperty("object", out var obj))
        {
            throw new KubernetesApiException(HttpStatusCode.InternalServerError, $"{typeText} watch event without an object.");
        }

        return type == WatchEventType.Error
            ? new WatchEvent<T>(type, null, KubernetesJson.Deserialize<V1Status>(obj))
            : new WatchEvent<T>(type, Typed(KubernetesJson.Deserialize<T>(obj)));
    }

    private T Typed(T obj)
    {
        // Items of a list come without apiVersion/kind; owner references and events need them.
        obj.ApiVersion ??= Path.ApiVersion;
        obj.Kind ??= Path.Kind;
        return obj;
    }

    private async Task<T> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Typed(KubernetesJson.Deserialize<T>(body));
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await KubernetesErrors.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string relative, T? body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var baseUri = _client.BaseUri.ToString();
        using var request = new HttpRequestMessage(method, new Uri(baseUri.EndsWith('/') ? baseUri + relative : $"{baseUri}/{relative}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(KubernetesJson.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return await _client.HttpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
    }
}

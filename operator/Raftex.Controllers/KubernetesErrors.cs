using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>Turns the client library's and raw HTTP errors into <see cref="KubernetesApiException"/>.</summary>
internal static class KubernetesErrors
{
    public static KubernetesApiException From(HttpOperationException e) =>
        new(e.Response?.StatusCode ?? HttpStatusCode.InternalServerError, MessageOf(e.Response?.Content) ?? e.Message, e);

    public static async Task<KubernetesApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new KubernetesApiException(response.StatusCode, MessageOf(body) ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
    }

    private static string? MessageOf(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(body)?.Message ?? body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }
    }
}

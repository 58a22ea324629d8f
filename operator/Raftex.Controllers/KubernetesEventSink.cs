using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Raftex.Controllers;

/// <summary>Writes core/v1 Events through the official client.</summary>
public sealed class KubernetesEventSink(IKubernetes client) : IEventSink
{
    private readonly IKubernetes _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <inheritdoc />
    public async Task<Corev1Event> CreateAsync(Corev1Event ev, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ev);
        try
        {
            return await _client.CoreV1.CreateNamespacedEventAsync(ev, ev.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw KubernetesErrors.From(e);
        }
    }

    /// <inheritdoc />
    public async Task<Corev1Event> ReplaceAsync(Corev1Event ev, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ev);
        try
        {
            return await _client.CoreV1.ReplaceNamespacedEventAsync(ev, ev.Metadata.Name, ev.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw KubernetesErrors.From(e);
        }
    }
}

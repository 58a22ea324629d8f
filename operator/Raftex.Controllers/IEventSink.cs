using k8s.Models;

namespace Raftex.Controllers;

/// <summary>Where an <see cref="EventRecorder"/> writes core/v1 Events.</summary>
public interface IEventSink
{
    /// <summary>Creates an event.</summary>
    Task<Corev1Event> CreateAsync(Corev1Event ev, CancellationToken cancellationToken);

    /// <summary>Replaces an existing event (a repeat: higher count, later lastTimestamp); 404 when it is gone.</summary>
    Task<Corev1Event> ReplaceAsync(Corev1Event ev, CancellationToken cancellationToken);
}

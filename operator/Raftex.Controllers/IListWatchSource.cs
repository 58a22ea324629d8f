namespace Raftex.Controllers;

/// <summary>Where an informer lists and watches one kind.</summary>
public interface IListWatchSource<T>
    where T : class
{
    /// <summary>Lists every object (in the source's scope) and the resourceVersion of the list.</summary>
    Task<ResourceList<T>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks; the sequence ends when the server closes
    /// the watch. A too-old version is reported as a <see cref="KubernetesApiException"/> with 410 or an ERROR event with code 410.
    /// </summary>
    IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, CancellationToken cancellationToken);
}

using System.Net;

namespace Raftex.Controllers;

/// <summary>A Kubernetes API call answered with an error status (conflict, not found, gone, ...).</summary>
public sealed class KubernetesApiException : Exception
{
    /// <summary>Creates the exception for an HTTP status code and the server's message.</summary>
    public KubernetesApiException(HttpStatusCode statusCode, string message, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
    }

    public KubernetesApiException()
        : this(HttpStatusCode.InternalServerError, "Kubernetes API error")
    {
    }

    public KubernetesApiException(string message)
        : this(HttpStatusCode.InternalServerError, message)
    {
    }

    public KubernetesApiException(string message, Exception inner)
        : this(HttpStatusCode.InternalServerError, message, inner)
    {
    }

    /// <summary>The HTTP status the server answered.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>409: the resourceVersion (or UID) precondition failed, or the object already exists.</summary>
    public bool IsConflict => StatusCode == HttpStatusCode.Conflict;

    /// <summary>404: the object does not exist.</summary>
    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    /// <summary>410: the requested resourceVersion is too old for a watch.</summary>
    public bool IsGone => StatusCode == HttpStatusCode.Gone;
}

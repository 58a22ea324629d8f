using System.Net;
using k8s.Autorest;
using Raftex.Controllers;

namespace Raftex.Operator.Reconciling;

/// <summary>How a reconcile answers an API error: a conflict (someone wrote first) is retried at once with a fresh read, anything else is the reconcile's error (backed off by the work queue).</summary>
public static class ApiErrors
{
    /// <summary>Runs <paramref name="reconcile"/>, mapping API errors to results.</summary>
    public static async Task<ReconcileResult> GuardAsync(Func<Task<ReconcileResult>> reconcile)
    {
        ArgumentNullException.ThrowIfNull(reconcile);
        try
        {
            return await reconcile().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }
        catch (HttpOperationException e)
        {
            return ReconcileResult.Error($"{e.Response.StatusCode}: {e.Response.Content}");
        }
    }
}

using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Raftex.Node;

/// <summary>
/// Every gRPC service's handlers run inside this: a call the client cancelled or let run past its deadline is normal, so it
/// is logged at debug and counted (raftex_client_calls_ended_total by reason) instead of surfacing as a handler error with a
/// stack trace. (A request that is not valid protobuf is INVALID_ARGUMENT from the marshaller: <see cref="ParseCheckedServiceMethodProvider{TService}"/>.)
/// </summary>
internal sealed class CallOutcomeInterceptor(NodeMetrics metrics, ILogger<CallOutcomeInterceptor> logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(() => continuation(request, context), context);

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(() => continuation(requestStream, context), context);

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(async () => { await continuation(request, responseStream, context).ConfigureAwait(false); return true; }, context);

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(async () => { await continuation(requestStream, responseStream, context).ConfigureAwait(false); return true; }, context);

    private async Task<T> GuardAsync<T>(Func<Task<T>> handler, ServerCallContext context)
    {
        try
        {
            var result = await handler().ConfigureAwait(false);
            if (context.CancellationToken.IsCancellationRequested)
            {
                // A stream handler that ends quietly when its client goes away still counts as ended by the client.
                Ended(context);
            }

            return result;
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException or IOException)
        {
            var deadline = Ended(context);
            throw new RpcException(new Status(deadline ? StatusCode.DeadlineExceeded : StatusCode.Cancelled, deadline ? "deadline exceeded" : "cancelled by the client"));
        }
    }

    private bool Ended(ServerCallContext context)
    {
        var deadline = context.Deadline <= DateTime.UtcNow;
        metrics.ClientCallEnded(deadline);
        logger.LogDebug("Call {Method} ended by the client: {Reason}", context.Method, deadline ? "deadline exceeded" : "cancelled");
        return deadline;
    }
}

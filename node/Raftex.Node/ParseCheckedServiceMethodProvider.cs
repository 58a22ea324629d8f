using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Raftex.Node;

/// <summary>
/// Binds every generated gRPC service the way grpc-dotnet's own provider does (through the service's BindService method),
/// but with a request marshaller that turns a body that is not valid protobuf into INVALID_ARGUMENT. grpc-dotnet parses a
/// unary or server-streaming request before any handler or interceptor runs and reports a parse exception as UNKNOWN
/// with "Exception was thrown by handler"; an <see cref="RpcException"/> thrown by the deserializer is kept as it is, for
/// request streams too (it surfaces from MoveNext inside the handler). Registered in place of the default provider, so it
/// covers every service the node maps: exchange, order sessions, peers, admin and health.
/// </summary>
internal sealed class ParseCheckedServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        var bind = BindServiceMethod(typeof(TService))
            ?? throw new InvalidOperationException($"gRPC service {typeof(TService).Name} has no generated BindService method to bind it with");
        bind.Invoke(null, [new Binder(context), null]);
    }

    private static MethodInfo? BindServiceMethod(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType
                    .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .SingleOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [{ ParameterType: var p }, _] && p == typeof(ServiceBinderBase));
            }
        }

        return null;
    }

    /// <summary>The same method with a request marshaller whose parse failure is INVALID_ARGUMENT, naming the expected message.</summary>
    private static Method<TRequest, TResponse> ParseChecked<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class
        where TResponse : class
    {
        var inner = method.RequestMarshaller;
        var name = typeof(TRequest).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is MessageDescriptor descriptor
            ? descriptor.FullName
            : typeof(TRequest).Name;
        var refusal = new Status(StatusCode.InvalidArgument, $"the request could not be parsed: it is not a valid {name} protobuf message");
        var marshaller = new Marshaller<TRequest>(
            inner.ContextualSerializer,
            context =>
            {
                try
                {
                    return inner.ContextualDeserializer(context);
                }
                catch (InvalidProtocolBufferException)
                {
                    throw new RpcException(refusal);
                }
            });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }

    /// <summary>The service's C# method implementing <paramref name="name"/>, as an open-instance invoker, and the attributes endpoints carry as metadata.</summary>
    private static (TInvoker Invoker, List<object> Metadata) Handler<TInvoker>(string name, params Type[] parameters)
        where TInvoker : Delegate
    {
        var handler = typeof(TService).GetMethod(name, BindingFlags.Public | BindingFlags.Instance, parameters)
            ?? throw new InvalidOperationException($"gRPC service {typeof(TService).Name} has no method {name}");
        List<object> metadata = [.. typeof(TService).GetCustomAttributes(inherit: true), .. handler.GetCustomAttributes(inherit: true)];
        return (handler.CreateDelegate<TInvoker>(), metadata);
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, typeof(TRequest), typeof(ServerCallContext));
            context.AddUnaryMethod(ParseChecked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ClientStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
            context.AddClientStreamingMethod(ParseChecked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<ServerStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddServerStreamingMethod(ParseChecked(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Handler<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(
                method.Name, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
            context.AddDuplexStreamingMethod(ParseChecked(method), metadata, invoker);
        }
    }
}

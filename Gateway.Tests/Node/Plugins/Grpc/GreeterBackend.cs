using Gateway.Tests.Support;
using Gatewaytest;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Node.Plugins.Grpc;

/// <summary>The real gRPC upstream of the grpc-web and grpc-gateway tests: Grpc.AspNetCore serving gatewaytest.proto over h2c on loopback.</summary>
public sealed class GreeterBackend : Greeter.GreeterBase
{
    /// <summary>The .proto beside the test assembly, as the plugins' config names it.</summary>
    public static string ProtoPath { get; } = Path.Combine(AppContext.BaseDirectory, "Node", "Plugins", "Grpc", "Protos", "gatewaytest.proto");

    /// <summary>Starts the service on a <see cref="Backend"/>.</summary>
    public static Task<Backend> StartAsync() => Backend.StartAsync(new BackendOptions
    {
        Name = "greeter",
        Protocols = HttpProtocols.Http2,
        Services = services => services.AddGrpc(),
        Endpoints = app => app.MapGrpcService<GreeterBackend>(),
    });

    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        var text = $"hello {request.Name}" + (request.Nested?.Note is { Length: > 0 } note ? $" ({note})" : "");
        var message = string.Join(" ", Enumerable.Repeat(text, Math.Max(1, request.Times)));
        return Task.FromResult(new HelloReply { Message = request.Shout ? message.ToUpperInvariant() : message, Shouted = request.Shout });
    }

    public override Task<MessageReply> GetMessage(MessageRequest request, ServerCallContext context) =>
        Task.FromResult(new MessageReply { Message = $"id={request.Id} revision={request.Revision} text={request.Text}" });

    public override Task<Profile> UpdateProfile(UpdateRequest request, ServerCallContext context)
    {
        var profile = request.Profile ?? new Profile();
        profile.UserId = request.UserId;
        return Task.FromResult(profile);
    }

    public override Task<HelloReply> DeleteItem(DeleteRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = $"deleted {request.Id}" });

    public override Task<HelloReply> Fail(FailRequest request, ServerCallContext context) =>
        throw new RpcException(new Status((StatusCode)request.Code, request.Reason));

    public override Task<AllTypes> Echo(AllTypes request, ServerCallContext context) => Task.FromResult(request);

    public override async Task Count(CountRequest request, IServerStreamWriter<HelloReply> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.UpTo; i++)
        {
            await responseStream.WriteAsync(new HelloReply { Message = $"{i}" });
        }
    }
}

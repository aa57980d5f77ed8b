using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Grpc;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.GrpcGateway;

/// <summary>
/// Kong's grpc-gateway (kong/plugins/grpc-gateway/{handler,deco}.lua): a REST request matching one of the
/// .proto's <c>google.api.http</c> bindings becomes a gRPC call (path variables, body and query arguments
/// encoded as the method's input message), and the call's messages come back as JSON with the grpc-status
/// mapped to an HTTP status. OPTIONS is answered as Kong's CORS preflight.
/// </summary>
public sealed class GrpcGatewayPlugin : GatewayPlugin<GrpcGatewayConfig>
{
    private const string State = "grpc-gateway";

    /// <inheritdoc />
    public override PluginSchema Schema => GrpcGatewaySchema.Schema;

    /// <inheritdoc />
    protected override GrpcGatewayConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        if (compiled.Proto is not { } proto)
        {
            return compiled;
        }

        var bindings = ProtoFile.Load(proto).Methods.SelectMany(HttpBinding.Of).GroupBy(b => b.Method, StringComparer.Ordinal);
        return compiled with { Bindings = bindings.ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal) };
    }

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, GrpcGatewayConfig config)
    {
        var request = context.Http.Request;
        context.Shared[State] = null;
        if (HttpMethods.IsOptions(request.Method))
        {
            context.Exit(200, "OK", "application/json",
            [
                new("Access-Control-Allow-Origin", "*"),
                new("Access-Control-Allow-Methods", "GET,POST,PATCH,DELETE"),
                new("Access-Control-Allow-Headers", "content-type"),
            ]);
            return;
        }

        if (Find(config, request.Method.ToLowerInvariant(), context.Path, out var variables, out var error) is not { } binding)
        {
            context.Exit(400, error, null);
            return;
        }

        var body = binding.Body is null ? [] : await RequestBodies.ReadAsync(request);
        if (body is null)
        {
            context.Error(413);
            return;
        }

        byte[] message;
        try
        {
            message = JsonToProto.Encode(binding.Call.Method.InputType, GatewayPayload.Build(binding, variables, body, request.Query));
        }
        catch (Exception e) when (e is JsonException or ProtoJsonException or InvalidOperationException)
        {
            // Kong's header filter gives the answer its JSON content type once the request was matched.
            context.Exit(400, e.Message, "application/json");
            return;
        }

        context.Shared[State] = new Call(binding, GrpcUpstream.Call(context, GrpcFrames.Frame(GrpcFrames.Message, message)));
        context.UpstreamPath = binding.Call.Path;
        context.UpstreamQuery = "";
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, GrpcGatewayConfig config)
    {
        if (!context.Shared.TryGetValue(State, out var state))
        {
            return;
        }

        var response = context.Http.Response;
        response.Headers.AccessControlAllowOrigin = "*";
        if (state is Call)
        {
            response.ContentType = "application/json";
            MapStatus(response, response.Headers.TryGetValue("grpc-status", out var status) ? status.ToString() : null);
        }
    }

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> BodyFilter(PluginContext context, GrpcGatewayConfig config, ReadOnlyMemory<byte> body)
    {
        if (!context.Shared.TryGetValue(State, out var state) || state is not Call call)
        {
            return body;
        }

        var response = context.Http.Response;
        if (!response.Headers.ContainsKey("grpc-status") && call.Upstream.Status(response) is var (status, message))
        {
            // A status sent after messages arrives in the trailers; the client has no other way to see it.
            response.Headers["grpc-status"] = status;
            response.Headers["grpc-message"] = message;
            MapStatus(response, status);
        }

        try
        {
            using var output = new MemoryStream();
            var rest = body;
            var decoded = false;
            while (GrpcFrames.TryRead(ref rest, out _, out var frame))
            {
                output.Write(ProtoToJson.Decode(call.Binding.Call.Method.OutputType, frame));
                decoded = true;
            }

            // Kong sends what it could not decode as it came (usually nothing: an error has no message).
            return decoded ? output.ToArray() : rest;
        }
        catch (ProtoJsonException)
        {
            response.StatusCode = StatusCodes.Status502BadGateway;
            return GrpcUpstream.BadResponse;
        }
    }

    /// <summary>The first binding for the method whose template matches (Kong's order) and its variables; else null and Kong's reason.</summary>
    private static HttpBinding? Find(GrpcGatewayConfig config, string method, string path, out IEnumerable<(string Field, string Value)> variables, out string error)
    {
        variables = [];
        if (config.Bindings is not { } bindings)
        {
            error = "transcoding requests require a .proto file defining the service";
            return null;
        }

        if (bindings.TryGetValue(method, out var candidates))
        {
            foreach (var binding in candidates)
            {
                if (binding.Match(path) is { } matched)
                {
                    variables = matched;
                    error = "";
                    return binding;
                }
            }
        }

        error = candidates is null ? $"failed to transcode .proto file Unknown method \"{method}\"" : $"failed to transcode .proto file Unknown path \"{path}\"";
        return null;
    }

    private static void MapStatus(HttpResponse response, string? grpcStatus)
    {
        if (grpcStatus is not null && GrpcHttpStatus.For(grpcStatus) is { } status && !response.HasStarted)
        {
            response.StatusCode = status;
        }
    }

    /// <summary>One call on its way: the binding it matched and its upstream side.</summary>
    private sealed record Call(HttpBinding Binding, GrpcUpstream Upstream);
}

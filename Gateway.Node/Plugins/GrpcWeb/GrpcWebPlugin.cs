using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Grpc;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.GrpcWeb;

/// <summary>
/// Kong's grpc-web (kong/plugins/grpc-web/handler.lua): a grpc-web call (binary or base64 text, protobuf or, with
/// the config's .proto, JSON messages) goes to the gRPC service as a gRPC call, and its answer comes back with the
/// call's status in grpc-web's trailer frame; OPTIONS is answered as Kong's CORS preflight. The answer is
/// translated whole, so a server-streaming call reaches the client when it has ended.
/// </summary>
public sealed class GrpcWebPlugin : GatewayPlugin<GrpcWebConfig>
{
    private const string State = "grpc-web";

    /// <inheritdoc />
    public override PluginSchema Schema => GrpcWebSchema.Schema;

    /// <inheritdoc />
    protected override GrpcWebConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        return compiled.Proto is { } proto
            ? compiled with { Methods = ProtoFile.Load(proto).Methods.ToFrozenDictionary(m => m.Path, StringComparer.Ordinal) }
            : compiled;
    }

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, GrpcWebConfig config)
    {
        var request = context.Http.Request;
        if (HttpMethods.IsOptions(request.Method))
        {
            context.Shared[State] = null;
            context.Exit(200, "OK", "application/grpc-web-text+proto",
            [
                new("Access-Control-Allow-Origin", config.AllowOriginHeader),
                new("Access-Control-Allow-Methods", "POST"),
                new("Access-Control-Allow-Headers", "content-type,x-grpc-web,x-user-agent"),
            ]);
            return;
        }

        var path = config.PassStrippedPath == true ? Uri.UnescapeDataString(context.UpstreamPath) : context.Path;
        var method = request.Method;
        context.Shared[State] = null;
        if (GrpcWebCodec.For(request.ContentType, path, config, out var error) is not { } codec)
        {
            context.Exit(400, error!, null);
            return;
        }

        if (await RequestBodies.ReadAsync(request) is not { } body)
        {
            context.Error(413);
            return;
        }

        byte[] upstream;
        try
        {
            upstream = codec.Upstream(body);
        }
        catch (Exception e) when (e is FormatException or JsonException or ProtoJsonException)
        {
            context.Exit(400, e.Message, null);
            return;
        }

        context.Shared[State] = new Call(codec, GrpcUpstream.Call(context, upstream), HttpMethods.IsPost(method));
    }

    /// <inheritdoc />
    public override void HeaderFilter(PluginContext context, GrpcWebConfig config)
    {
        if (!context.Shared.TryGetValue(State, out var state))
        {
            // Another plugin answered before this one's access phase.
            return;
        }

        var headers = context.Http.Response.Headers;
        headers.AccessControlAllowOrigin = config.AllowOriginHeader;
        if (state is Call { Codec.MimeType: var mimeType })
        {
            headers.ContentType = mimeType;
        }
    }

    /// <inheritdoc />
    public override ReadOnlyMemory<byte> BodyFilter(PluginContext context, GrpcWebConfig config, ReadOnlyMemory<byte> body)
    {
        if (!context.Shared.TryGetValue(State, out var state) || state is not Call { Post: true } call)
        {
            return body;
        }

        var response = context.Http.Response;
        try
        {
            return call.Codec.Downstream(body, call.Upstream.Status(response));
        }
        catch (ProtoJsonException)
        {
            // The upstream's message does not fit the .proto's output type.
            response.StatusCode = StatusCodes.Status502BadGateway;
            return GrpcUpstream.BadResponse;
        }
    }

    /// <summary>One call on its way: how it is translated, its upstream side, and whether the client posted it (Kong's body filter acts on POST only).</summary>
    private sealed record Call(GrpcWebCodec Codec, GrpcUpstream Upstream, bool Post);
}

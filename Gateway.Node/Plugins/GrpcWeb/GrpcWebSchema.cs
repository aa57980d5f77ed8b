using Gateway.Node.Plugins.Grpc;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.GrpcWeb;

/// <summary>The grpc-web plugin's config (Kong 3.9 kong/plugins/grpc-web/schema.lua).</summary>
public static class GrpcWebSchema
{
    /// <summary>Kong's grpc-web handler PRIORITY.</summary>
    public const int Priority = 3;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("grpc-web", Priority, Record("config", "The grpc-web settings.",
        ProtoFile.Field("If present, describes the gRPC types and methods. Required to support payload transcoding. When absent, the web client must use application/grpw-web+proto content."),
        new Field("pass_stripped_path", FieldType.Boolean) { Description = "If set to `true` causes the plugin to pass the stripped request path to the upstream gRPC service." },
        Str("allow_origin_header", "The value of the `Access-Control-Allow-Origin` header in the response to the gRPC-Web client.", "*")))
    {
        AllowedProtocols = Typedefs.AllProtocols,
    };
}

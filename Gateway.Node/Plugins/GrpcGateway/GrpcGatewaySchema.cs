using Gateway.Node.Plugins.Grpc;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.GrpcGateway;

/// <summary>The grpc-gateway plugin's config (Kong 3.9 kong/plugins/grpc-gateway/schema.lua).</summary>
public static class GrpcGatewaySchema
{
    /// <summary>Kong's grpc-gateway handler PRIORITY.</summary>
    public const int Priority = 998;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("grpc-gateway", Priority, Record("config", "The grpc-gateway settings.",
        ProtoFile.Field("The .proto file describing the gRPC service, whose google.api.http options map REST requests to its methods.")))
    {
        AllowedProtocols = Typedefs.AllProtocols,
    };
}

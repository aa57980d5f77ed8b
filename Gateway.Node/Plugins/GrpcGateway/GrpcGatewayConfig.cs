using System.Collections.Frozen;

namespace Gateway.Node.Plugins.GrpcGateway;

/// <summary>The grpc-gateway config (see <see cref="GrpcGatewaySchema"/>), its .proto's HTTP bindings compiled once.</summary>
public sealed record GrpcGatewayConfig(string? Proto)
{
    /// <summary>The bindings by lower-case HTTP method, in the .proto's order; null without <see cref="Proto"/>.</summary>
    public FrozenDictionary<string, HttpBinding[]>? Bindings { get; init; }
}

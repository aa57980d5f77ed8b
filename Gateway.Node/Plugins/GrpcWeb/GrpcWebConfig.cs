using System.Collections.Frozen;
using Gateway.Node.Plugins.Grpc;

namespace Gateway.Node.Plugins.GrpcWeb;

/// <summary>The grpc-web config (see <see cref="GrpcWebSchema"/>), its .proto compiled once.</summary>
public sealed record GrpcWebConfig(string? Proto, bool? PassStrippedPath, string AllowOriginHeader)
{
    /// <summary>The .proto's methods by gRPC path; null without <see cref="Proto"/> (binary frames pass as they are).</summary>
    public FrozenDictionary<string, ServiceMethod>? Methods { get; init; }
}

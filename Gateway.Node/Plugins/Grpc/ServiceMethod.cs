using Google.Protobuf.Reflection;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>A gRPC method and the path it is called on (<c>/package.Service/Method</c>).</summary>
/// <param name="Path">The HTTP/2 path of the call.</param>
/// <param name="Method">Its descriptor: input and output types, options.</param>
public sealed record ServiceMethod(string Path, MethodDescriptor Method);

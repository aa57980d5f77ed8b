namespace Gateway.Node.Plugins.Grpc;

/// <summary>A JSON value that does not fit the message type, or a message that does not fit its descriptor; the message says where.</summary>
public sealed class ProtoJsonException(string message) : Exception(message);

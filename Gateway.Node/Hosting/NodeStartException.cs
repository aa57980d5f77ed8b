namespace Gateway.Node.Hosting;

/// <summary>A node could not start; the message is the one line printed before exiting non-zero.</summary>
public sealed class NodeStartException(string message, Exception? inner = null) : Exception(message, inner);

namespace Gateway.Node.Plugins.RequestTermination;

/// <summary>The request-termination config (see <see cref="RequestTerminationSchema"/>).</summary>
public sealed record RequestTerminationConfig(int StatusCode, string? Message, string? ContentType, string? Body, bool Echo, string? Trigger);

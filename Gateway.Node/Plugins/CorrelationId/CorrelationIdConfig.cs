namespace Gateway.Node.Plugins.CorrelationId;

/// <summary>The correlation-id config (see <see cref="CorrelationIdSchema"/>).</summary>
public sealed record CorrelationIdConfig(string HeaderName, string Generator, bool EchoDownstream);

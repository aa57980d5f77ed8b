namespace Gateway.Node.Plugins.StandardWebhooks;

/// <summary>The standard-webhooks config (see <see cref="StandardWebhooksSchema"/>).</summary>
public sealed record StandardWebhooksConfig(string SecretV1, long ToleranceSecond);

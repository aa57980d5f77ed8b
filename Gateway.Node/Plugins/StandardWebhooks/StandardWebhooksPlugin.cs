using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.StandardWebhooks;

/// <summary>
/// Kong's standard-webhooks (kong/plugins/standard-webhooks/{handler,internal}.lua): lets a request through
/// only when its <c>webhook-signature</c> is the Standard Webhooks signature of its <c>webhook-id</c>,
/// <c>webhook-timestamp</c> and body under <c>secret_v1</c>, and the timestamp is at most <c>tolerance_second</c>
/// old. Anything else is Kong's 400 "Bad request" (a missing header, a stale or unparsable timestamp, an empty
/// body, a wrong signature), as <c>kong.response.error(400)</c>.
/// </summary>
public sealed class StandardWebhooksPlugin(PluginServices services) : GatewayPlugin<StandardWebhooksConfig>
{
    /// <summary>The request headers Kong reads (the first value of each).</summary>
    public const string IdHeader = "webhook-id";

    /// <inheritdoc cref="IdHeader"/>
    public const string SignatureHeader = "webhook-signature";

    /// <inheritdoc cref="IdHeader"/>
    public const string TimestampHeader = "webhook-timestamp";

    /// <inheritdoc />
    public override PluginSchema Schema => StandardWebhooksSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, StandardWebhooksConfig config)
    {
        var headers = context.Http.Request.Headers;
        if (headers[IdHeader] is not [{ } id, ..] || headers[SignatureHeader] is not [{ } signature, ..] || headers[TimestampHeader] is not [{ } timestamp, ..])
        {
            context.Error(400);
            return;
        }

        var ts = WebhookSignature.ParseTimestamp(timestamp);
        var now = (services.Find<TimeProvider>() ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

        // Kong only bounds the age: a timestamp in the future passes this check.
        if (now - ts > config.ToleranceSecond)
        {
            context.Error(400);
            return;
        }

        // Kong's get_raw_body: nil for a body larger than the client body buffer, which is refused as missing.
        var body = await RequestBodies.ReadAsync(context.Http.Request);
        if (body is not { Length: > 0 } || signature != WebhookSignature.Sign(config.SecretV1, id, WebhookSignature.FormatTimestamp(ts), body))
        {
            context.Error(400);
        }
    }
}

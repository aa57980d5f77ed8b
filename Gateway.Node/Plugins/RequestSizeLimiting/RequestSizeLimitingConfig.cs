namespace Gateway.Node.Plugins.RequestSizeLimiting;

/// <summary>The request-size-limiting config (see <see cref="RequestSizeLimitingSchema"/>).</summary>
public sealed record RequestSizeLimitingConfig(long AllowedPayloadSize, string SizeUnit, bool RequireContentLength)
{
    /// <summary>The limit in bytes.</summary>
    public long AllowedBytes => AllowedPayloadSize * SizeUnit switch
    {
        "bytes" => 1,
        "kilobytes" => 1024,
        _ => 1024 * 1024,
    };
}

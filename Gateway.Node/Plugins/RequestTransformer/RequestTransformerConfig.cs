namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>The request-transformer config (see <see cref="RequestTransformerSchema"/>).</summary>
public sealed record RequestTransformerConfig(
    string? HttpMethod,
    RequestTransformerConfig.Names Remove,
    RequestTransformerConfig.Pairs Rename,
    RequestTransformerConfig.ReplacePairs Replace,
    RequestTransformerConfig.Pairs Add,
    RequestTransformerConfig.Pairs Append)
{
    /// <summary>The entries, split and with their templates compiled, built once per config.</summary>
    public RequestTransformerPlan? Plan { get; init; }

    /// <summary>Names to remove.</summary>
    public sealed record Names(string[] Body, string[] Headers, string[] Querystring);

    /// <summary>"name:value" entries.</summary>
    public record Pairs(string[] Body, string[] Headers, string[] Querystring);

    /// <summary>"name:value" entries and a replacement URI.</summary>
    public sealed record ReplacePairs(string[] Body, string[] Headers, string[] Querystring, string? Uri) : Pairs(Body, Headers, Querystring);
}

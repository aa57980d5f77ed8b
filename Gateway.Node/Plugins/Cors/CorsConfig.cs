namespace Gateway.Node.Plugins.Cors;

/// <summary>The cors config (see <see cref="CorsSchema"/>), its origins prepared once.</summary>
public sealed record CorsConfig(
    string[]? Origins,
    string[]? Headers,
    string[]? ExposedHeaders,
    string[]? Methods,
    double? MaxAge,
    bool Credentials,
    bool PrivateNetwork,
    bool PreflightContinue,
    bool AllowOriginAbsent)
{
    /// <summary>The origins as matchers, in order.</summary>
    public CorsOrigin[] Matchers { get; init; } = [];

    /// <summary>Whether any entry is "*": with a request Origin, Kong then allows every origin, whatever the order.</summary>
    public bool AnyWildcard { get; init; }
}

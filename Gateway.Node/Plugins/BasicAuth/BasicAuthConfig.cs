namespace Gateway.Node.Plugins.BasicAuth;

/// <summary>The basic-auth config (see <see cref="BasicAuthSchema"/>).</summary>
/// <param name="Anonymous">The consumer (id or username) used when authentication fails.</param>
/// <param name="HideCredentials">Whether to strip the Authorization (or Proxy-Authorization) header before proxying.</param>
/// <param name="Realm">The WWW-Authenticate realm.</param>
public sealed record BasicAuthConfig(string? Anonymous, bool HideCredentials, string Realm)
{
    /// <summary>Kong's WWW-Authenticate value: <c>Basic realm="..."</c>.</summary>
    public string WwwAuthenticate { get; } = $"Basic realm=\"{Realm}\"";
}

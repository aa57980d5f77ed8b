namespace Gateway.Node.Plugins.HttpsRedirect;

/// <summary>The https-redirect config (see <see cref="HttpsRedirectSchema"/>).</summary>
public sealed record HttpsRedirectConfig(int StatusCode, int HttpsPort, string[] ExemptPaths);

namespace Gateway.Node.Plugins.Redirect;

/// <summary>The redirect config (see <see cref="RedirectSchema"/>).</summary>
public sealed record RedirectConfig(int StatusCode, string Location, bool KeepIncomingPath);

using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.Redirect;

/// <summary>
/// Kong's redirect (kong/plugins/redirect/handler.lua): answers every request with <c>status_code</c>, a
/// <c>Location</c> of the configured URL and the body "redirecting". With <c>keep_incoming_path</c> the URL's
/// path and query are the request's (its scheme, host, port and fragment stay).
/// </summary>
public sealed class RedirectPlugin : GatewayPlugin<RedirectConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => RedirectSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, RedirectConfig config)
    {
        var location = config.KeepIncomingPath ? WithRequestPath(config.Location, context) : config.Location;
        context.Exit(config.StatusCode, "redirecting", null, [new("Location", location)]);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The location with the request's normalized path (<c>kong.request.get_path</c>) and raw query
    /// (<c>get_raw_query</c>), as Kong's ada URL setters give it: an empty query leaves no '?'.
    /// </summary>
    internal static string WithRequestPath(string location, PluginContext context)
    {
        // The schema made sure it is an absolute http(s) URL.
        var url = new Uri(location, UriKind.Absolute);
        var query = context.Http.Request.QueryString.Value is { Length: > 1 } raw ? raw : "";
        return string.Concat(url.GetLeftPart(UriPartial.Authority), context.Path, query, url.Fragment);
    }
}

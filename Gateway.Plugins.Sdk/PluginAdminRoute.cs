namespace Gateway.Plugins.Sdk;

/// <summary>
/// A path a plugin serves on the Admin API (Kong's kong/plugins/&lt;name&gt;/api.lua): segments, where
/// <c>:name</c> takes any one segment as a parameter, and a handler per method. The node answers OPTIONS
/// (with Allow), HEAD (with the GET handler) and any other method (405) itself, and serves a plugin's routes
/// only while the plugin is enabled (the <c>plugins</c> setting).
/// </summary>
/// <param name="Path">The path, such as <c>/proxy-cache/:plugin_id/caches/:cache_key</c>.</param>
/// <param name="Methods">A handler per upper-case method.</param>
public sealed record PluginAdminRoute(string Path, IReadOnlyDictionary<string, Func<PluginAdminRequest, ValueTask<PluginAdminAnswer>>> Methods)
{
    /// <summary>The path's segments, without the slashes.</summary>
    public IReadOnlyList<string> Segments { get; } = Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}

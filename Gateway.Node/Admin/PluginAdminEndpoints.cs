using Gateway.Plugins.Sdk;
using Gateway.Storage.Snapshot;

namespace Gateway.Node.Admin;

/// <summary>
/// The Admin API paths enabled plugins serve (<see cref="IGatewayPlugin.AdminRoutes"/>, Kong's api.lua files):
/// matched after the node's own endpoints, before the entity endpoints. OPTIONS (with Allow), HEAD (as GET) and
/// 405 for other methods are answered here, as for the node's own paths.
/// </summary>
public sealed class PluginAdminEndpoints
{
    private readonly (IGatewayPlugin Plugin, PluginAdminRoute Route)[] _routes;
    private readonly Func<ConfigData> _config;

    /// <summary>The routes of <paramref name="plugins"/> (the enabled ones), with this node's current config to hand them their rows.</summary>
    public PluginAdminEndpoints(IEnumerable<IGatewayPlugin> plugins, Func<ConfigData> config)
    {
        _routes = [.. plugins.SelectMany(p => p.AdminRoutes.Select(r => (p, r)))];
        _config = config;
    }

    /// <summary>Answers the request when its path is a plugin's; false otherwise.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        foreach (var (plugin, route) in _routes)
        {
            if (Match(route.Segments, path) is not { } parameters)
            {
                continue;
            }

            var method = context.Request.Method;
            if (method == "OPTIONS")
            {
                AdminResponse.Allow(context, Allowed(route));
                return true;
            }

            if (!route.Methods.TryGetValue(method, out var handler) && !(method == "HEAD" && route.Methods.TryGetValue("GET", out handler)))
            {
                throw AdminException.MethodNotAllowed();
            }

            var rows = _config()["plugins"].Where(row => row["name"]?.GetValue<string>() == plugin.Name).ToList();
            var answer = await handler(new PluginAdminRequest(context, parameters, rows));
            if (answer.Body is { } body)
            {
                await AdminResponse.WriteAsync(context, answer.Status, body);
            }
            else
            {
                context.Response.StatusCode = answer.Status;
            }

            return true;
        }

        return false;
    }

    private static Dictionary<string, string>? Match(IReadOnlyList<string> pattern, IReadOnlyList<string> path)
    {
        if (pattern.Count != path.Count)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < pattern.Count; i++)
        {
            if (pattern[i].StartsWith(':'))
            {
                parameters[pattern[i][1..]] = path[i];
            }
            else if (pattern[i] != path[i])
            {
                return null;
            }
        }

        return parameters;
    }

    /// <summary>Kong's Allow: the route's methods, HEAD with GET, and OPTIONS, in order.</summary>
    private static string Allowed(PluginAdminRoute route)
    {
        var methods = new SortedSet<string>(route.Methods.Keys, StringComparer.Ordinal) { "OPTIONS" };
        if (methods.Contains("GET"))
        {
            methods.Add("HEAD");
        }

        return string.Join(", ", methods);
    }
}

using System.Text.Json.Nodes;
using Gateway.Node.Settings;

namespace Gateway.Node.Admin;

/// <summary>
/// The <c>configuration</c> object of <c>GET /</c> in Kong's shape, so that tools written for Kong
/// (decK, Konga, monitoring scripts) find the keys they read: every setting by its kong.conf name,
/// listen settings as arrays, the parsed <c>*_listeners</c> objects, <c>role</c> and <c>loaded_plugins</c>.
/// </summary>
public static class KongConfiguration
{
    /// <summary>Settings Kong reports as arrays rather than strings.</summary>
    private static readonly HashSet<string> ListSettings =
    [
        "proxy_listen", "admin_listen", "admin_gui_listen", "status_listen", "plugins", "headers",
        "trusted_ips", "admin_gui_url", "cassandra_contact_points", "cassandra_data_centers",
    ];

    /// <summary>Builds the object from the node's settings; secrets are masked as in <see cref="GatewaySettings.ToDisplay"/>.</summary>
    public static JsonObject From(GatewaySettings settings, IEnumerable<string> loadedPlugins)
    {
        var configuration = new JsonObject();
        foreach (var (name, value) in settings.ToDisplay())
        {
            configuration[name] = ListSettings.Contains(name)
                ? new JsonArray([.. SplitList(value).Select(v => JsonValue.Create(v))])
                : JsonValue.Create(value);
        }

        configuration["role"] = "traditional";
        configuration["proxy_listeners"] = Listeners(settings.ProxyListen);
        configuration["admin_listeners"] = Listeners(settings.AdminListen);
        configuration["admin_gui_listeners"] = Listeners(settings.AdminGuiListen);
        configuration["status_listeners"] = Listeners(settings.StatusListen);
        configuration["cluster_listeners"] = Listeners([settings.ClusterListen]);
        configuration["stream_listeners"] = Listeners(settings.StreamListen, stream: true);
        configuration["loaded_plugins"] = new JsonObject(loadedPlugins.Select(p => KeyValuePair.Create(p, (JsonNode?)true)));
        return configuration;
    }

    private static IEnumerable<string> SplitList(string value) =>
        value is "" or "off"
            ? []
            : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Kong's parsed listener objects: ip, port, a boolean per flag of the listener's kind (stream ones have udp, not http2 and deferred), and the listener as written.</summary>
    private static JsonArray Listeners(IEnumerable<Listener> listeners, bool stream = false) =>
        new([.. listeners.Select(l =>
        {
            var json = new JsonObject { ["ip"] = l.Host, ["port"] = l.Port, ["ssl"] = l.Ssl };
            if (stream)
            {
                json["udp"] = l.Udp;
            }
            else
            {
                json["http2"] = l.Http2;
                json["deferred"] = l.HasFlag("deferred");
            }

            json["proxy_protocol"] = l.ProxyProtocol;
            json["reuseport"] = l.HasFlag("reuseport");
            json["bind"] = l.HasFlag("bind");
            json["listener"] = l.ToString();
            return (JsonNode)json;
        })]);
}

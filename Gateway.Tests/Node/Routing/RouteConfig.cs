using System.Text.Json.Nodes;
using Gateway.Node.Routing;
using Gateway.Storage.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Routing;

/// <summary>Builds services and routes rows in Kong's shape, and requests to match against them.</summary>
internal sealed class RouteConfig
{
    private readonly List<JsonObject> _services = [];
    private readonly List<JsonObject> _routes = [];
    private long _clock = 1_700_000_000;

    /// <summary>Adds a service; returns its id.</summary>
    public string Service(string? path = null, string host = "backend.test", bool enabled = true, string protocol = "http")
    {
        var id = Guid.NewGuid().ToString();
        _services.Add(new JsonObject
        {
            ["id"] = id,
            ["name"] = "s" + _services.Count,
            ["protocol"] = protocol,
            ["host"] = host,
            ["port"] = 80,
            ["path"] = path,
            ["enabled"] = enabled,
        });
        return id;
    }

    /// <summary>Adds a route from a JSON fragment (service defaulted to a fresh one); returns its id.</summary>
    public string Route(string json, string? serviceId = null, long? createdAt = null)
    {
        var row = JsonNode.Parse(json)!.AsObject();
        var id = row["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString();
        row["id"] = id;
        row["created_at"] ??= createdAt ?? _clock++;
        row["protocols"] ??= new JsonArray("http", "https");
        row["strip_path"] ??= true;
        row["preserve_host"] ??= false;
        row["regex_priority"] ??= 0;
        row["path_handling"] ??= "v0";
        row["https_redirect_status_code"] ??= 426;
        if (!row.ContainsKey("service"))
        {
            row["service"] = new JsonObject { ["id"] = serviceId ?? Service() };
        }

        _routes.Add(row);
        return id;
    }

    public ConfigData Data() => new(1, new Dictionary<string, IReadOnlyList<JsonObject>>
    {
        ["services"] = _services,
        ["routes"] = _routes,
    });

    public RouteTable Build(bool v1 = false) => RouteTable.Build(Data(), v1);

    /// <summary>A request: path is normalized as the proxy does; headers as "name: value" strings.</summary>
    public static RouteRequest Request(
        string path = "/", string host = "", string method = "GET", bool https = false, string? sni = null, int localPort = 8000, params string[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':');
            var name = header[..colon];
            dictionary.Append(name, header[(colon + 1)..].Trim());
        }

        return new RouteRequest(method, UriNormalizer.Normalize(path), host, localPort, https, sni, dictionary);
    }
}

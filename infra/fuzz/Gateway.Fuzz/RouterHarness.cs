using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Routing;
using Gateway.Storage.Snapshot;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fuzz;

/// <summary>
/// The router (<see cref="RouteTable.Match"/>) over a fixed table of prefix, regex, host, header, method
/// and SNI routes, for a request read from the input: lines of method, host, SNI (empty: plain HTTP),
/// path (normalised as the proxy does), then <c>name: value</c> headers. Match documents no exception.
/// </summary>
internal static class RouterHarness
{
    private static readonly string[] RouteRows =
    [
        """{"paths":["/api"],"service":"base"}""",
        """{"paths":["/api/v2"],"strip_path":false}""",
        """{"paths":["~/users/(?<id>\\d+)/posts/(\\w+)$"],"regex_priority":5}""",
        """{"paths":["~/files/(?<rest>.*)"],"strip_path":false,"service":"base"}""",
        """{"paths":["~/Mixed/[A-Z]{2,4}/?$","/plain"],"regex_priority":1}""",
        """{"paths":["/v1/"],"path_handling":"v1","service":"base"}""",
        """{"hosts":["*.example.com"],"paths":["/"]}""",
        """{"hosts":["example.*","api.test:8080"],"methods":["POST","PUT"]}""",
        """{"headers":{"x-version":["v1","~*^beta-\\d+$"]},"paths":["/h"]}""",
        """{"snis":["secure.test"],"protocols":["https"],"paths":["/secure"]}""",
    ];

    /// <summary>What the schema fills in for a route row that leaves these out.</summary>
    private static readonly JsonObject RouteDefaults = JsonNode.Parse("""
        {"protocols":["http","https"],"strip_path":true,"preserve_host":false,"regex_priority":0,"path_handling":"v0","https_redirect_status_code":426}
        """)!.AsObject();

    private static readonly RouteTable V0 = RouteTable.Build(Config(), honorPathHandlingV1: false);

    private static readonly RouteTable V1 = RouteTable.Build(Config(), honorPathHandlingV1: true);

    /// <summary>Matches the request on both path-handling flavours and reads what the proxy reads of the answer.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n');
        string Line(int i) => i < lines.Length ? lines[i] : "";

        var headers = new HeaderDictionary();
        foreach (var header in lines.Skip(4))
        {
            var colon = header.IndexOf(':');
            if (colon > 0)
            {
                headers.Append(header[..colon], header[(colon + 1)..].Trim());
            }
        }

        var sni = Line(2);
        var method = Line(0).Length == 0 ? "GET" : Line(0);
        var request = new RouteRequest(method, UriNormalizer.Normalize(Line(3)), Line(1), 8000, sni.Length > 0, sni.Length > 0 ? sni : null, headers);
        foreach (var table in new[] { V0, V1 })
        {
            if (table.Match(request) is { } match)
            {
                _ = UriNormalizer.Escape(match.UpstreamPath);
                _ = match.Captures?.Named.Count;
            }
        }
    }

    private static ConfigData Config()
    {
        var services = new List<JsonObject>
        {
            Service("plain", null),
            Service("base", "/base/"),
        };
        var routes = RouteRows.Select((json, i) => Route(json, i)).ToList();
        return new ConfigData(1, new Dictionary<string, IReadOnlyList<JsonObject>> { ["services"] = services, ["routes"] = routes });
    }

    private static JsonObject Service(string name, string? path) => new()
    {
        ["id"] = Id(name),
        ["name"] = name,
        ["protocol"] = "http",
        ["host"] = "backend.test",
        ["port"] = 80,
        ["path"] = path,
        ["enabled"] = true,
    };

    private static JsonObject Route(string json, int index)
    {
        var row = JsonNode.Parse(json)!.AsObject();
        var service = row["service"]?.GetValue<string>() ?? "plain";
        row["id"] = $"00000000-0000-4000-8000-{index:D12}";
        row["name"] = $"r{index}";
        row["created_at"] = 1_700_000_000 + index;
        row["service"] = new JsonObject { ["id"] = Id(service) };
        foreach (var (field, value) in RouteDefaults)
        {
            row[field] ??= value!.DeepClone();
        }

        return row;
    }

    private static string Id(string service) => service == "base" ? "00000000-0000-4000-9000-000000000002" : "00000000-0000-4000-9000-000000000001";
}

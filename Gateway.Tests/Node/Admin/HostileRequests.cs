using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// A seeded, bounded set of hostile Admin API requests as raw HTTP/1.1 bytes: every method on the
/// entity, nested, schema, config and tag endpoints (names given twice, decoded twice, cut, with
/// NUL), odd query arguments, and JSON, form, multipart and other bodies built from hostile values:
/// duplicated keys, nulls, huge numbers, NUL and lone surrogates, invalid UTF-8, cut short, nested
/// deep. Each asks the server to close the connection, so its answer ends where the connection does.
/// The same seed gives the same requests.
/// </summary>
public static class HostileRequests
{
    /// <summary>The entities the paths name; <see cref="SetUpAsync"/> creates them.</summary>
    public static readonly string[] Paths =
    [
        "/", "/status", "/endpoints", "/services", "/services/hs-svc", "/services/hs-svc/routes", "/services/hs-svc/plugins",
        "/routes", "/routes/hs-route", "/routes/hs-route/service", "/consumers", "/consumers/hs-user", "/consumers/hs-user/key-auth",
        "/consumers/hs-user/acls", "/consumers/hs-user/basic-auth", "/consumers/hs-user/jwt", "/consumers/hs-user/hmac-auth",
        "/consumers/hs-user/plugins", "/plugins", "/plugins/enabled", "/upstreams", "/upstreams/hs.up", "/upstreams/hs.up/targets",
        "/upstreams/hs.up/health", "/upstreams/hs.up/targets/127.0.0.1:9/healthy", "/certificates", "/snis", "/ca_certificates",
        "/key-auths", "/acls", "/tags", "/tags/hs", "/schemas/services", "/schemas/services/validate", "/schemas/routes/validate",
        "/schemas/plugins/validate", "/schemas/plugins/rate-limiting", "/schemas/nothing/validate", "/config",
        "/services/%2500", "/consumers/%25", "/consumers/hs%2Fuser", "/tags/%2500", "/services/hs-svc/%2e%2e/routes",
        "/services/%C0%AF", "/services/%ED%A0%80", "/upstreams/hs.up/targets/%2500/healthy", "/services/" + new string('x', 3000),
    ];

    private static readonly string[] Methods = ["GET", "POST", "POST", "PUT", "PATCH", "PATCH", "DELETE", "OPTIONS"];

    private static readonly string[] Queries =
    [
        "", "", "", "?size=0", "?size=-1", "?size=1001", "?size=abc", "?size=1e3", "?size=99999999999999999999", "?offset=xyz", "?offset=AAAA",
        "?offset=%00", "?offset=eyJ4IjoxfQ", "?offset=" + new string('A', 3000), "?tags=a,b", "?tags=a/b,c", "?tags=a%00b",
        "?tags=%ff", "?tags=,", "?tags=" + new string('t', 3000), "?check_hash=1", "?flatten_errors=1", "?balancer_health=1",
        "?username=a%00", "?custom_id=%ff",
    ];

    private static readonly string[] Fields =
    [
        "id", "name", "host", "port", "path", "paths", "hosts", "methods", "headers", "service", "route", "consumer", "config",
        "tags", "created_at", "updated_at", "key", "target", "protocols", "username", "custom_id", "group", "secret", "algorithm",
        "cert", "snis", "certificate", "enabled", "instance_name", "weight", "upstream", "healthchecks", "url", "retries",
        "strip_path", "regex_priority", "password", "ttl", "_format_version", "services",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "-1", "0", "1e400", "-0", "1.5", "99999999999999999999", "\"\"", "\"\\u0000\"", "\"a\\u0000b\"",
        "\"\\ud800\"", "\"\\udc00x\"", "[]", "{}", "[null]", "[[[]]]", "{\"id\":null}", "{\"id\":\"x\"}", "{\"name\":null}",
        "\"~/(a\"", "\"/a%zz\"", "[\"a\",\"a\"]", "{\"a\":1,\"a\":2}", "\"x\"", "\"" + new string('v', 5000) + "\"",
        "[\"http\",\"grpc\"]", "\"1.2.3.4:99999\"", "\"::1\"", "\"*.x\"", "{\"X\":[\"~*(\"]}", "{\"minute\":1,\"minute\":\"x\"}",
        "[{\"name\":\"a\",\"name\":null}]",
    ];

    private static readonly string[] PluginNames = ["key-auth", "rate-limiting", "cors", "acl", "request-termination", "nothing"];

    private static readonly string[] FormKeys =
    [
        "name", "config.minute", "config[minute]", "tags[]", "tags[1]", "tags[0]", "tags[-1]", "tags[999999]", "a[", "[]", "..",
        "config.", "paths[1]", "headers.x[]", "service.id", "x[a][b]", "%zz", "config.minute.x", "username", "host",
    ];

    private static readonly string[] FormValues = ["1", "", "null", "x", "-1", "1e400", "key-auth", "rate-limiting", "%00", "%ff", "a%00b", "\u00ff", new('f', 3000)];

    /// <summary>Creates the entities <see cref="Paths"/> name.</summary>
    public static async Task SetUpAsync(TestNode node)
    {
        await node.CallAsync(HttpMethod.Put, "/services/hs-svc", """{"host":"hs.test"}""");
        await node.CallAsync(HttpMethod.Put, "/routes/hs-route", """{"paths":["/hs"],"service":{"name":"hs-svc"}}""");
        await node.CallAsync(HttpMethod.Put, "/consumers/hs-user", "{}");
        await node.CallAsync(HttpMethod.Put, "/upstreams/hs.up", "{}");
        await node.CallAsync(HttpMethod.Post, "/upstreams/hs.up/targets", """{"target":"127.0.0.1:9"}""");
    }

    /// <summary>
    /// Sends the requests of <paramref name="seed"/> one by one and returns those that got a 5xx, or an
    /// answer (other than a 204) whose body is not a JSON object.
    /// </summary>
    public static async Task<List<string>> ReplayAsync(int port, int seed, int count)
    {
        var failures = new List<string>();
        foreach (var (label, bytes) in Generate(seed, count))
        {
            var response = await RawHttp.SendAsync(port, bytes);
            if (response.Status >= 500 || (response.Status != 204 && !IsJsonObject(response.Body)))
            {
                failures.Add($"{label}: {response.Status} {response.Body[..Math.Min(response.Body.Length, 300)]}");
            }
        }

        return failures;
    }

    /// <summary><paramref name="count"/> requests from <paramref name="seed"/>: a label for messages, and the bytes.</summary>
    public static IEnumerable<(string Label, byte[] Bytes)> Generate(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var method = Pick(random, Methods);
            var target = Pick(random, Paths) + Pick(random, Queries);
            var (contentType, body) = random.Next(10) switch
            {
                < 6 => (Pick(random, ["application/json", "application/json", "application/json; charset=latin1", "text/json", "application/yaml"]), Json(random)),
                < 8 => ("application/x-www-form-urlencoded", Form(random)),
                9 => Multipart(random),
                _ => (Pick(random, ["text/yaml", "text/plain", "application/octet-stream"]), Other(random)),
            };
            var head = $"{method} {target} HTTP/1.1\r\nHost: admin\r\nConnection: close\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n";
            var shown = Encoding.Latin1.GetString(body);
            yield return ($"#{i} {method} {target[..Math.Min(target.Length, 120)]} ({contentType}) {shown[..Math.Min(shown.Length, 200)]}", [.. Encoding.Latin1.GetBytes(head), .. body]);
        }
    }

    private static byte[] Json(Random random)
    {
        var members = new List<string>();
        if (random.Next(2) == 0)
        {
            members.Add($"\"name\":\"{Pick(random, PluginNames)}\"");
        }

        for (var n = random.Next(5); n > 0; n--)
        {
            var field = Pick(random, Fields);
            members.Add($"\"{field}\":{Pick(random, Values)}");
            if (random.Next(5) == 0)
            {
                members.Add($"\"{field}\":{Pick(random, Values)}");
            }
        }

        var text = "{" + string.Join(',', members) + "}";
        text = random.Next(20) switch
        {
            0 => text[..random.Next(text.Length)],
            1 => new string('[', Pick(random, [10, 100, 1000])) + text,
            2 => Pick(random, ["1", "\"x\"", "null", "[]", "{}{}", "{\"a\":1}x", " ", "\ufeff{}"]),
            _ => text,
        };
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(20) == 0 ? [.. bytes.Take(bytes.Length / 2), 0xFF, .. bytes.Skip(bytes.Length / 2)] : bytes;
    }

    private static byte[] Form(Random random)
    {
        var pairs = new List<string>();
        if (random.Next(3) < 2)
        {
            pairs.Add("name=" + Pick(random, PluginNames));
        }

        for (var n = random.Next(6); n > 0; n--)
        {
            pairs.Add(Pick(random, FormKeys) + "=" + Pick(random, FormValues));
        }

        return Encoding.Latin1.GetBytes(string.Join('&', pairs));
    }

    private static (string ContentType, byte[] Body) Multipart(Random random)
    {
        var body = new StringBuilder();
        for (var n = random.Next(5); n > 0; n--)
        {
            var file = random.Next(5) == 0 ? "; filename=\"a.txt\"" : "";
            body.Append($"--XyZ\r\nContent-Disposition: form-data; name=\"{Pick(random, FormKeys)}\"{file}\r\n\r\n{Pick(random, FormValues)}\r\n");
        }

        body.Append("--XyZ--\r\n");
        var bytes = Encoding.Latin1.GetBytes(body.ToString());
        var type = Pick(random, ["multipart/form-data; boundary=XyZ", "multipart/form-data; boundary=XyZ", "multipart/form-data", "multipart/form-data; boundary=" + new string('b', 200)]);
        return (type, random.Next(5) == 0 ? bytes[..random.Next(bytes.Length)] : bytes);
    }

    private static byte[] Other(Random random) => Pick(random,
    [
        ""u8.ToArray(), "x"u8.ToArray(), "_format_version: '3.0'\nservices:\n- name: a\n  host: b\n"u8.ToArray(), "- ["u8.ToArray(),
        [0xFF, 0xFE], "a: &a [*a]"u8.ToArray(), "_format_version: \"3.0\"\nservices: [{name: x, host: y, name: z}]"u8.ToArray(),
    ]);

    private static bool IsJsonObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static T Pick<T>(Random random, T[] choices) => choices[random.Next(choices.Length)];
}

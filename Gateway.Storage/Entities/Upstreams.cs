using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>The <c>upstreams</c> entity: a virtual host name balanced over targets (kong/db/schema/entities/upstreams.lua).</summary>
public static class Upstreams
{
    /// <summary>The values of <c>hash_on</c> and <c>hash_fallback</c>.</summary>
    public static readonly string[] HashInputs = ["none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture"];

    /// <summary>The balancing algorithms.</summary>
    public static readonly string[] Algorithms = ["consistent-hashing", "least-connections", "round-robin", "latency"];

    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("upstreams",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        new Field("name", FieldType.String)
        {
            Required = true,
            Unique = true,
            Custom = Typedefs.StringCheck(ValidateName),
            Description = "This is a hostname, which must be equal to the host of a Service.",
        },
        Typedefs.String("algorithm", "round-robin", Algorithms) with { Description = "Which load balancing algorithm to use." },
        HashOn("hash_on", "What to use as hashing input."),
        HashOn("hash_fallback", "What to use as hashing input if the primary hash_on does not return a hash."),
        Typedefs.HeaderName("hash_on_header") with { Description = "The header name to take the value from as hash input." },
        Typedefs.HeaderName("hash_fallback_header") with { Description = "The header name to take the value from as hash input." },
        Typedefs.CookieName("hash_on_cookie") with { Description = "The cookie name to take the value from as hash input." },
        Typedefs.Path("hash_on_cookie_path") with { Default = "/", Description = "The cookie path to set in the response headers." },
        SimpleParam("hash_on_query_arg", "The name of the query string argument to take the value from as hash input."),
        SimpleParam("hash_fallback_query_arg", "The name of the query string argument to take the value from as hash input."),
        SimpleParam("hash_on_uri_capture", "The name of the route URI capture to take the value from as hash input."),
        SimpleParam("hash_fallback_uri_capture", "The name of the route URI capture to take the value from as hash input."),
        Typedefs.Integer("slots", 10000, 10, 65536) with { Description = "The number of slots in the load balancer algorithm." },
        Healthchecks(),
        Typedefs.Tags(),
        Typedefs.HostWithOptionalPort("host_header") with { Description = "The hostname to be used as Host header when proxying requests through Kong." },
        Typedefs.Foreign("client_certificate", "certificates") with
        {
            Description = "If set, the certificate to be used as client certificate while TLS handshaking to the upstream server.",
        },
        Typedefs.Boolean("use_srv_name", false) with { Description = "If set, the balancer will use SRV hostname." },
    ])
    {
        EndpointKey = "name",
        Checks =
        [
            // The hash_on/hash_fallback inputs need their parameter.
            Entities.Checks.RequiredWhen("hash_on", "header", "hash_on_header"),
            Entities.Checks.RequiredWhen("hash_fallback", "header", "hash_fallback_header"),
            Entities.Checks.RequiredWhen("hash_on", "cookie", "hash_on_cookie"),
            Entities.Checks.RequiredWhen("hash_fallback", "cookie", "hash_on_cookie"),

            // No fallback without a primary input, nor after a cookie (Kong sets the cookie).
            Entities.Checks.OneOfWhen("hash_on", "none", "hash_fallback", "none"),
            Entities.Checks.OneOfWhen("hash_on", "cookie", "hash_fallback", "none"),

            // The fallback differs from the primary input (headers, query args and captures may, by name).
            Entities.Checks.OneOfWhen("hash_on", "consumer", "hash_fallback", "none", "ip", "header", "cookie", "path", "query_arg", "uri_capture"),
            Entities.Checks.OneOfWhen("hash_on", "ip", "hash_fallback", "none", "consumer", "header", "cookie", "path", "query_arg", "uri_capture"),
            Entities.Checks.OneOfWhen("hash_on", "path", "hash_fallback", "none", "consumer", "ip", "header", "cookie", "query_arg", "uri_capture"),

            Entities.Checks.RequiredWhen("hash_on", "query_arg", "hash_on_query_arg"),
            Entities.Checks.RequiredWhen("hash_fallback", "query_arg", "hash_fallback_query_arg"),
            Entities.Checks.RequiredWhen("hash_on", "uri_capture", "hash_on_uri_capture"),
            Entities.Checks.RequiredWhen("hash_fallback", "uri_capture", "hash_fallback_uri_capture"),

            Entities.Checks.Distinct("hash_on_header", "hash_fallback_header"),
            Entities.Checks.Distinct("hash_on_query_arg", "hash_fallback_query_arg"),
            Entities.Checks.Distinct("hash_on_uri_capture", "hash_fallback_uri_capture"),
        ],
    };

    /// <summary>Kong's upstream name rule: a host name, no IP address, no port.</summary>
    private static string? ValidateName(string name)
    {
        var address = Typedefs.NormalizeIp(name, out _);
        if (address is null)
        {
            return $"Invalid name ('{name}'); must be a valid hostname";
        }

        if (address.Type != HostType.Name)
        {
            return $"Invalid name ('{name}'); no ip addresses allowed";
        }

        return address.Port is null ? null : $"Invalid name ('{name}'); no port allowed";
    }

    private static Field HashOn(string name, string description) =>
        Typedefs.String(name, "none", HashInputs) with { Description = description };

    private static Field SimpleParam(string name, string description) =>
        new(name, FieldType.String) { Description = description };

    /// <summary>
    /// The <c>healthchecks</c> record: every level carries its full default, so a partial input
    /// (<c>{"active":{"timeout":5}}</c>) still comes out complete, as Kong's does.
    /// </summary>
    private static Field Healthchecks()
    {
        var active = WithDefault(Typedefs.Record("active",
            CheckType(),
            Seconds("timeout", 1),
            new Field("concurrency", FieldType.Integer) { Between = (1, Math.Pow(2, 31)), Default = 10 },
            Typedefs.Path("http_path") with { Default = "/" },
            Typedefs.Sni("https_sni"),
            Typedefs.Boolean("https_verify_certificate", true),
            Typedefs.Headers("headers"),
            WithDefault(Typedefs.Record("healthy",
                Seconds("interval", 0),
                Statuses(200, 302),
                Count("successes"))),
            WithDefault(Typedefs.Record("unhealthy",
                Seconds("interval", 0),
                Statuses(429, 404, 500, 501, 502, 503, 504, 505),
                Count("tcp_failures"),
                Count("timeouts"),
                Count("http_failures")))));

        var passive = WithDefault(Typedefs.Record("passive",
            CheckType(),
            WithDefault(Typedefs.Record("healthy",
                Statuses(200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308),
                Count("successes"))),
            WithDefault(Typedefs.Record("unhealthy",
                Statuses(429, 500, 503),
                Count("tcp_failures"),
                Count("timeouts"),
                Count("http_failures")))));

        var threshold = new Field("threshold", FieldType.Number) { Between = (0, 100), Default = 0 };
        return WithDefault(Typedefs.Record("healthchecks", active, passive, threshold)) with
        {
            Description = "The array of healthchecks.",
        };
    }

    private static Field CheckType() => Typedefs.String("type", "http", "tcp", "http", "https", "grpc", "grpcs");

    private static Field Seconds(string name, long @default) =>
        new(name, FieldType.Number) { Between = (0, 65535), Default = @default };

    private static Field Count(string name) =>
        new(name, FieldType.Integer) { Between = (0, 255), Default = 0 };

    private static Field Statuses(params long[] @default) => new("http_statuses", FieldType.Array)
    {
        Elements = new Field("http_status", FieldType.Integer) { Between = (100, 999) },
        Default = Typedefs.Integers(@default),
    };

    /// <summary>Gives a record the default made of its fields' defaults (fields without one are left out, as Kong's NO_DEFAULT).</summary>
    private static Field WithDefault(Field record)
    {
        var value = new JsonObject();
        foreach (var field in record.Fields ?? [])
        {
            if (field.Default is { } d)
            {
                value[field.Name] = d.DeepClone();
            }
        }

        return record with { Default = value };
    }
}

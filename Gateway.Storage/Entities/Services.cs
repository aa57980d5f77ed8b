using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>The <c>services</c> entity: an upstream the gateway proxies to (kong/db/schema/entities/services.lua).</summary>
public static partial class Services
{
    private const string DefaultProtocol = "http";
    private const int DefaultPort = 80;

    private static readonly string[] TlsProtocols = ["https", "tls"];

    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("services",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Utf8Name() with { Description = "The service name." },
        Typedefs.Integer("retries", 5, 0, 32767) with { Description = "The number of retries to execute upon failure to proxy." },
        Typedefs.Protocol() with { Required = true, Default = DefaultProtocol, Description = "The protocol used to communicate with the upstream." },
        Typedefs.Host() with { Required = true, Description = "The host of the upstream server." },
        Typedefs.Port() with { Required = true, Default = DefaultPort, Description = "The upstream server port." },
        Typedefs.Path() with { Description = "The path to be used in requests to the upstream server." },
        NonZeroTimeout("connect_timeout", "The timeout in milliseconds for establishing a connection to the upstream server."),
        NonZeroTimeout("write_timeout", "The timeout in milliseconds between two successive write operations for transmitting a request to the upstream server."),
        NonZeroTimeout("read_timeout", "The timeout in milliseconds between two successive read operations for transmitting a request to the upstream server."),
        Typedefs.Tags(),
        Typedefs.Foreign("client_certificate", "certificates") with
        {
            Description = "Certificate to be used as client certificate while TLS handshaking to the upstream server.",
        },
        new Field("tls_verify", FieldType.Boolean)
        {
            Description = "Whether to enable verification of upstream server TLS certificate. If not set, the global level config `proxy_ssl_verify` will be used.",
        },
        Typedefs.Integer("tls_verify_depth", null, 0, 64) with
        {
            Description = "Maximum depth of chain while verifying Upstream server's TLS certificate.",
        },
        new Field("ca_certificates", FieldType.Array)
        {
            Elements = new Field("ca_certificate", FieldType.String) { Uuid = true },
            Description = "Array of CA Certificate object UUIDs that are used to build the trust store while verifying upstream server's TLS certificate.",
        },
        Typedefs.Boolean("enabled", true) with { Required = true, Description = "Whether the Service is active." },
    ])
    {
        EndpointKey = "name",
        Checks =
        [
            Entities.Checks.NullWhen("protocol", p => IsOneOf(p, "tcp", "tls", "udp", "grpc", "grpcs"), "path"),
            Entities.Checks.NullWhen("protocol", p => !IsOneOf(p, TlsProtocols), "client_certificate"),
            Entities.Checks.NullWhen("protocol", p => !IsOneOf(p, TlsProtocols), "tls_verify"),
            Entities.Checks.NullWhen("protocol", p => !IsOneOf(p, TlsProtocols), "tls_verify_depth"),
            Entities.Checks.NullWhen("protocol", p => !IsOneOf(p, TlsProtocols), "ca_certificates"),
        ],
        Shorthands = new Dictionary<string, Func<JsonNode, JsonObject>> { ["url"] = ExpandUrl },
    };

    /// <summary>
    /// Expands the <c>url</c> shorthand into protocol, host, port and path, as Kong does with
    /// LuaSocket's <c>url.parse</c>: the port defaults from the scheme (443 for https), the scheme
    /// from the port, and missing parts become null so that validation names them.
    /// </summary>
    public static JsonObject ExpandUrl(JsonNode value)
    {
        var url = ParseUrl(value.GetValue<string>());
        long? port = long.TryParse(url.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        var protocol = url.Scheme ?? (port == 80 ? "http" : port == 443 ? "https" : DefaultProtocol);
        JsonNode portNode = port is { } number
            ? JsonValue.Create(number)
            : url.Port is { } text
                ? JsonValue.Create(text)
                : JsonValue.Create(protocol switch { "http" => 80, "https" => 443, _ => DefaultPort });

        return new JsonObject
        {
            ["protocol"] = protocol,
            ["host"] = url.Host,
            ["port"] = portNode,
            ["path"] = url.Path,
        };
    }

    private static Field NonZeroTimeout(string name, string description) =>
        new(name, FieldType.Integer) { Between = (1, Math.Pow(2, 31) - 2), Default = 60000, Description = description };

    private static bool IsOneOf(JsonNode? node, params string[] values) => values.Any(v => Entities.Checks.Is(node, v));

    /// <summary>The parts of a URL as LuaSocket's <c>url.parse</c> splits them.</summary>
    private static (string? Scheme, string? Host, string? Port, string? Path) ParseUrl(string url)
    {
        string? scheme = null, authority = null, host = null, port = null;
        var match = SchemePrefix().Match(url);
        if (match.Success)
        {
            scheme = match.Groups[1].Value;
            url = url[match.Length..];
        }

        if (url.StartsWith("//", StringComparison.Ordinal))
        {
            var end = url.IndexOf('/', 2);
            authority = end < 0 ? url[2..] : url[2..end];
            url = end < 0 ? string.Empty : url[end..];
        }

        // Fragment, query and params are not part of a service.
        foreach (var separator in new[] { '#', '?', ';' })
        {
            var index = url.IndexOf(separator, StringComparison.Ordinal);
            if (index >= 0)
            {
                url = url[..index];
            }
        }

        if (authority is not null)
        {
            var at = authority.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                authority = authority[(at + 1)..];
            }

            var portMatch = PortSuffix().Match(authority);
            if (portMatch.Success)
            {
                port = portMatch.Groups[1].Value;
                authority = authority[..portMatch.Index];
            }

            if (authority.Length > 0)
            {
                host = authority.StartsWith('[') && authority.EndsWith(']') && authority.Length > 2 ? authority[1..^1] : authority;
            }
        }

        return (scheme, host, port, url.Length > 0 ? url : null);
    }

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9+\-.]*):")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex(@":([^:\]]*)$")]
    private static partial Regex PortSuffix();
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Schema;

/// <summary>
/// Shared field types, as Kong's kong/db/schema/typedefs.lua. Each returns a field ready to use;
/// adjust it with a <c>with</c> expression. Messages are Kong's, word for word.
/// </summary>
public static partial class Typedefs
{
    /// <summary>The protocols an HTTP plugin accepts by default, in Kong's order.</summary>
    public static readonly IReadOnlyList<string> HttpProtocols = ["grpc", "grpcs", "http", "https"];

    /// <summary>Every protocol a service or route may name (Kong's constants.PROTOCOLS, sorted).</summary>
    public static readonly IReadOnlyList<string> AllProtocols =
        ["grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp", "ws", "wss"];

    /// <summary>Whether the text is a canonical UUID (8-4-4-4-12 hex).</summary>
    public static bool IsUuid(string text) =>
        text.Length == 36 && Guid.TryParseExact(text, "D", out _);

    /// <summary>The primary key: a UUID generated on insert.</summary>
    public static Field Id() => new("id", FieldType.String) { Auto = true, Uuid = true };

    /// <summary>Creation time in seconds, set on insert.</summary>
    public static Field CreatedAt() => new("created_at", FieldType.Integer) { Auto = true, Timestamp = true };

    /// <summary>Update time in seconds, set on every write.</summary>
    public static Field UpdatedAt() => new("updated_at", FieldType.Integer) { Auto = true, Timestamp = true };

    /// <summary>A set of tags.</summary>
    public static Field Tags() => new("tags", FieldType.Set)
    {
        Elements = new Field("tag", FieldType.String) { Required = true, Custom = ValidateTag },
        Description = "An optional set of strings associated with the entity for grouping and filtering.",
    };

    /// <summary>A foreign key to another entity.</summary>
    public static Field Foreign(string name, string reference, OnDelete onDelete = OnDelete.Restrict, bool required = false) =>
        new(name, FieldType.Foreign) { Reference = reference, OnDelete = onDelete, Required = required };

    /// <summary>A boolean with a default.</summary>
    public static Field Boolean(string name, bool @default) => new(name, FieldType.Boolean) { Default = JsonValue.Create(@default) };

    /// <summary>An integer with a default and bounds.</summary>
    public static Field Integer(string name, long? @default = null, double? min = null, double? max = null) =>
        new(name, FieldType.Integer)
        {
            Default = @default is { } d ? JsonValue.Create(d) : null,
            Between = min is { } lo && max is { } hi ? (lo, hi) : null,
        };

    /// <summary>A string, optionally with a default and a list of allowed values.</summary>
    public static Field String(string name, string? @default = null, params string[] oneOf) =>
        new(name, FieldType.String)
        {
            Default = @default is null ? null : JsonValue.Create(@default),
            OneOf = oneOf.Length > 0 ? oneOf : null,
        };

    /// <summary>An array of strings, optionally with a default.</summary>
    public static Field StringArray(string name, params string[] @default) =>
        new(name, FieldType.Array)
        {
            Elements = new Field(name, FieldType.String),
            Default = @default.Length > 0 ? new JsonArray([.. @default.Select(s => (JsonNode)JsonValue.Create(s))]) : null,
        };

    /// <summary>A record of fields.</summary>
    public static Field Record(string name, params Field[] fields) => new(name, FieldType.Record) { Fields = fields };

    /// <summary>A JSON array of strings as a default value.</summary>
    public static JsonArray Strings(params string[] values) => new([.. values.Select(s => (JsonNode)JsonValue.Create(s))]);

    /// <summary>A JSON array of integers as a default value.</summary>
    public static JsonArray Integers(params long[] values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    /// <summary>A protocol name (Kong's <c>typedefs.protocol</c>).</summary>
    public static Field Protocol(string name = "protocol") => new(name, FieldType.String) { OneOf = AllProtocols };

    /// <summary>A host name or IP address without a port (<c>typedefs.host</c>).</summary>
    public static Field Host(string name = "host") => new(name, FieldType.String) { Custom = StringCheck(ValidateHost) };

    /// <summary>A host name or IP address with an optional port (<c>typedefs.host_with_optional_port</c>).</summary>
    public static Field HostWithOptionalPort(string name) =>
        new(name, FieldType.String) { Custom = StringCheck(h => NormalizeIp(h, out var error) is null ? error : null) };

    /// <summary>A host name, optionally with one leading or trailing wildcard (<c>typedefs.wildcard_host</c>).</summary>
    public static Field WildcardHost(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateWildcardHost) };

    /// <summary>A TLS server name: a host name without a port (<c>typedefs.sni</c>).</summary>
    public static Field Sni(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateSni) };

    /// <summary>A TCP/UDP port (<c>typedefs.port</c>).</summary>
    public static Field Port(string name = "port") => new(name, FieldType.Integer) { Between = (0, 65535) };

    /// <summary>An upstream URL path (<c>typedefs.path</c>): starts with "/", no empty segments, RFC 3986 characters.</summary>
    public static Field Path(string name = "path") =>
        new(name, FieldType.String) { StartsWith = "/", Custom = StringCheck(p => NoEmptySegments(p) ?? ValidatePath(p).Error) };

    /// <summary>
    /// An absolute http or https URL with a host (<c>typedefs.url</c>, which takes any scheme: its one user
    /// here, http-log, can send to these two only), refused with Kong's "missing host in url".
    /// </summary>
    public static Field Url(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateUrl) };

    /// <summary>A timeout in milliseconds (<c>typedefs.timeout</c>).</summary>
    public static Field Timeout(string name) => new(name, FieldType.Integer) { Between = (0, Math.Pow(2, 31) - 2) };

    /// <summary>A name of ASCII alphanumerics and ". - _ ~" (<c>typedefs.name</c>), unique.</summary>
    public static Field Name(string name = "name") => new(name, FieldType.String) { Unique = true, Custom = StringCheck(ValidateName) };

    /// <summary>A name that also accepts non-ASCII UTF-8 (<c>typedefs.utf8_name</c>), unique.</summary>
    public static Field Utf8Name(string name = "name") => new(name, FieldType.String) { Unique = true, Custom = StringCheck(ValidateUtf8Name) };

    /// <summary>An HTTP header name (<c>typedefs.header_name</c>).</summary>
    public static Field HeaderName(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateHeaderName) };

    /// <summary>A cookie name (<c>typedefs.cookie_name</c>).</summary>
    public static Field CookieName(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateCookieName) };

    /// <summary>A PEM certificate (<c>typedefs.certificate</c>).</summary>
    public static Field Certificate(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateCertificate) };

    /// <summary>A PEM private key (<c>typedefs.key</c>).</summary>
    public static Field Key(string name) => new(name, FieldType.String) { Custom = StringCheck(ValidateKey) };

    /// <summary>An HTTP method name: upper-case letters only (<c>typedefs.http_method</c>).</summary>
    public static Field HttpMethod(string name = "method") =>
        new(name, FieldType.String) { Custom = StringCheck(m => UpperCase().IsMatch(m) ? null : $"invalid value: {m}") };

    /// <summary>An IP address or CIDR range (<c>typedefs.ip_or_cidr</c>).</summary>
    public static Field IpOrCidr(string name = "ip") =>
        new(name, FieldType.String) { Custom = StringCheck(ip => IsIpOrCidr(ip) ? null : $"invalid ip or cidr range: '{ip}'") };

    /// <summary>
    /// A map of header names to arrays of values (<c>typedefs.headers</c>); with <paramref name="forbidHost"/>,
    /// as a route's <c>headers</c>, the Host header is refused.
    /// </summary>
    public static Field Headers(string name, bool forbidHost = false) => new(name, FieldType.Map)
    {
        Keys = HeaderName("key") with
        {
            Custom = StringCheck(k => forbidHost && k.Equals("host", StringComparison.OrdinalIgnoreCase)
                ? "cannot contain 'host' header, which must be specified in the 'hosts' attribute"
                : ValidateHeaderName(k)),
        },
        Values = new Field("value", FieldType.Array) { Elements = new Field("value", FieldType.String) },
    };


    /// <summary>Wraps a string check as a field's <see cref="Field.Custom"/>.</summary>
    public static Func<JsonNode, string?> StringCheck(Func<string, string?> check) =>
        node => node.GetValueKind() == JsonValueKind.String ? check(node.GetValue<string>()) : null;


    [GeneratedRegex("^[A-Z]+$")]
    private static partial Regex UpperCase();
}

using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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

    /// <summary>
    /// Parses a host, IPv4 or IPv6 address with an optional port as Kong's <c>utils.normalize_ip</c>:
    /// returns the address, or null with Kong's error ("invalid hostname: x", "invalid port number", ...).
    /// </summary>
    public static HostAddress? NormalizeIp(string address, out string? error)
    {
        error = null;
        var colons = address.Count(c => c == ':');
        if (colons > 1)
        {
            return NormalizeIpv6(address, out error);
        }

        var remainder = address.Replace(":", string.Empty, StringComparison.Ordinal);
        if (remainder.Length > 0 && remainder.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return NormalizeIpv4(address, out error);
        }

        return CheckHostname(address, out error);
    }

    /// <summary>Formats an address as Kong's <c>utils.format_host</c>, with <paramref name="defaultPort"/> when it has none.</summary>
    public static string FormatHost(HostAddress address, int defaultPort)
    {
        var port = address.Port ?? defaultPort;
        return address.Type == HostType.Ipv6 ? $"[{address.Host}]:{port}" : $"{address.Host}:{port}";
    }

    /// <summary>Kong's <c>validate_host</c>: a host name or IP, no port.</summary>
    public static string? ValidateHost(string host)
    {
        var address = NormalizeIp(host, out var error);
        if (error is not null && error != "invalid port number")
        {
            return $"invalid value: {host}";
        }

        return error == "invalid port number" || address?.Port is not null ? "must not have a port" : null;
    }

    /// <summary>Kong's <c>validate_sni</c>: a host name (no IP), no port.</summary>
    public static string? ValidateSni(string host)
    {
        var address = NormalizeIp(host, out var error);
        if (error is not null && error != "invalid port number")
        {
            return $"invalid value: {host}";
        }

        if (address is not null && address.Type != HostType.Name)
        {
            return "must not be an IP";
        }

        return error == "invalid port number" || address?.Port is not null ? "must not have a port" : null;
    }

    /// <summary>Kong's <c>validate_wildcard_host</c>: an SNI with at most one wildcard at either end.</summary>
    public static string? ValidateWildcardHost(string host)
    {
        var index = host.IndexOf('*', StringComparison.Ordinal);
        if (index >= 0)
        {
            if (index != 0 && index != host.Length - 1)
            {
                return "wildcard must be leftmost or rightmost character";
            }

            if (host.Count(c => c == '*') > 1)
            {
                return "only one wildcard must be specified";
            }

            // Kong substitutes a label for the wildcard so the rest of the name is checked as usual.
            host = host.Replace("*", "wildcard", StringComparison.Ordinal);
        }

        return ValidateSni(host);
    }

    /// <summary>
    /// Kong's <c>validate_path</c>: RFC 3986 characters and proper percent-encoding. The code is
    /// "rfc3986" or "percent", as Kong tells the two apart for route paths.
    /// </summary>
    public static (string? Error, string? Code) ValidatePath(string path)
    {
        if (!RfcPath().IsMatch(path))
        {
            return ($"invalid path: '{path}' (characters outside of the reserved list of RFC 3986 found)", "rfc3986");
        }

        var raw = PercentEncoded().Replace(path, "___");
        var percent = raw.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0)
        {
            var bad = raw.Substring(percent, Math.Min(3, raw.Length - percent));
            return ($"invalid url-encoded value: '{bad}'", "percent");
        }

        return (null, null);
    }

    /// <summary>Kong's <c>utils.validate_header_name</c>.</summary>
    public static string? ValidateHeaderName(string name) =>
        HeaderToken().IsMatch(name) ? null : $"bad header name '{name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'";

    /// <summary>Kong's <c>utils.validate_cookie_name</c>.</summary>
    public static string? ValidateCookieName(string name) =>
        CookieToken().IsMatch(name) ? null : $"bad cookie name '{name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'";

    /// <summary>
    /// Loads the first certificate of a PEM text (a chain is fine, as with Kong's <c>x509.new</c>),
    /// or null when the text holds none.
    /// </summary>
    public static X509Certificate2? LoadCertificate(string pem)
    {
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                try
                {
                    return Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written)
                        ? X509CertificateLoader.LoadCertificate(der.AsSpan(0, written))
                        : null;
                }
                catch (CryptographicException)
                {
                    return null;
                }
            }

            rest = rest[fields.Location.End..];
        }

        return null;
    }

    /// <summary>The SubjectPublicKeyInfo of a PEM private (or public) key, or null when it cannot be read.</summary>
    public static byte[]? PublicKeyInfo(string pem)
    {
        foreach (var create in KeyFactories)
        {
            using var algorithm = create();
            try
            {
                algorithm.ImportFromPem(pem);
                return algorithm.ExportSubjectPublicKeyInfo();
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                // Not this algorithm; try the next one.
            }
        }

        return null;
    }

    /// <summary>Whether the text is an IPv4 or IPv6 address or CIDR range.</summary>
    public static bool IsIpOrCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var ip = slash < 0 ? text : text[..slash];
        if (!System.Net.IPAddress.TryParse(ip, out var parsed) || ip.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (slash < 0)
        {
            return true;
        }

        var max = parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) && bits <= max;
    }

    /// <summary>Wraps a string check as a field's <see cref="Field.Custom"/>.</summary>
    public static Func<JsonNode, string?> StringCheck(Func<string, string?> check) =>
        node => node.GetValueKind() == JsonValueKind.String ? check(node.GetValue<string>()) : null;

    private static readonly Func<AsymmetricAlgorithm>[] KeyFactories = [RSA.Create, () => ECDsa.Create(), DSA.Create];

    private static string? NoEmptySegments(string path) =>
        path.Contains("//", StringComparison.Ordinal) ? "must not have empty segments" : null;

    private static string? ValidateName(string name) =>
        AsciiName().IsMatch(name) ? null : $"invalid value '{name}': it must only contain alphanumeric and '., -, _, ~' characters";

    private static string? ValidateUtf8Name(string name)
    {
        foreach (var c in name)
        {
            if (c < 128 && !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or '~'))
            {
                return $"invalid value '{name}': the only accepted ascii characters are alphanumerics or ., -, _, and ~";
            }
        }

        return null;
    }

    private static string? ValidateTag(JsonNode value)
    {
        var tag = value.GetValue<string>();

        // Printable ASCII (space to '~') except ',' and '/', plus any non-ASCII character, as Kong's validate_tag.
        foreach (var c in tag)
        {
            if ((c < 128 && (c < ' ' || c > '~' || c is ',' or '/')) || char.IsControl(c))
            {
                return $"invalid tag '{tag}': expected printable ascii (except `,` and `/`) or valid utf-8 sequences";
            }
        }

        return null;
    }

    private static string? ValidateCertificate(string pem) =>
        LoadCertificate(pem) is { } certificate
            ? Dispose(certificate)
            : "invalid certificate: x509.new: could not parse a PEM certificate";

    private static string? ValidateKey(string pem) =>
        PublicKeyInfo(pem) is null ? "invalid key: pkey.new:load_key: could not parse a PEM key" : null;

    private static string? Dispose(IDisposable disposable)
    {
        disposable.Dispose();
        return null;
    }

    private static HostAddress? NormalizeIpv4(string address, out string? error)
    {
        error = null;
        var match = Ipv4().Match(address);
        if (!match.Success || (address.Contains(':', StringComparison.Ordinal) && !match.Groups[5].Success))
        {
            error = $"invalid ipv4 address: {address}";
            return null;
        }

        var octets = new int[4];
        for (var i = 0; i < 4; i++)
        {
            octets[i] = int.Parse(match.Groups[i + 1].Value, CultureInfo.InvariantCulture);
            if (octets[i] > 255)
            {
                error = $"invalid ipv4 address: {address}";
                return null;
            }
        }

        int? port = null;
        if (match.Groups[5].Success)
        {
            if (!TryPort(match.Groups[5].Value, out var p))
            {
                error = "invalid port number";
                return null;
            }

            port = p;
        }

        return new HostAddress(HostType.Ipv4, string.Join('.', octets), port);
    }

    private static HostAddress? NormalizeIpv6(string address, out string? error)
    {
        error = null;
        string check;
        int? port = null;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = $"invalid ipv6 address: {address}";
                return null;
            }

            check = address[1..close];
            var rest = address[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':' || !rest[1..].All(char.IsAsciiDigit))
                {
                    error = "invalid ipv6 address";
                    return null;
                }

                if (!TryPort(rest[1..], out var p))
                {
                    error = "invalid port number";
                    return null;
                }

                port = p;
            }
        }
        else
        {
            check = address;
        }

        if (check.StartsWith(':'))
        {
            check = "0" + check;
        }

        if (check.EndsWith(':'))
        {
            check += "0";
        }

        var doubleColon = check.IndexOf("::", StringComparison.Ordinal);
        if (doubleColon >= 0)
        {
            var count = check.Count(c => c == ':');
            var insert = ":" + string.Concat(Enumerable.Repeat("0:", Math.Max(0, 8 - count)));
            check = string.Concat(check.AsSpan(0, doubleColon), insert, check.AsSpan(doubleColon + 2));
        }

        var groups = check.Split(':');
        if (groups.Length != 8 || groups.Any(g => g.Length is 0 or > 4 || !g.All(char.IsAsciiHexDigit)))
        {
            error = $"invalid ipv6 address: {address}";
            return null;
        }

        return new HostAddress(HostType.Ipv6, string.Join(':', groups.Select(g => g.PadLeft(4, '0').ToLowerInvariant())), port);
    }

    private static HostAddress? CheckHostname(string address, out string? error)
    {
        error = null;
        var name = address;
        int? port = null;
        var portMatch = TrailingPort().Match(address);
        if (portMatch.Success)
        {
            name = address[..portMatch.Index];
            if (!TryPort(portMatch.Groups[1].Value, out var p))
            {
                error = "invalid port number";
                return null;
            }

            port = p;
        }

        if (!HostnameChars().IsMatch(name) || name.Split('.').Any(s => s.Length == 0 || s.EndsWith('-')))
        {
            error = $"invalid hostname: {address}";
            return null;
        }

        return new HostAddress(HostType.Name, name, port);
    }

    private static bool TryPort(string digits, out int port)
    {
        port = 0;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 65535)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    [GeneratedRegex(@"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d+))?$")]
    private static partial Regex Ipv4();

    [GeneratedRegex(@":(\d+)$")]
    private static partial Regex TrailingPort();

    [GeneratedRegex(@"^[A-Za-z0-9\-._]+$")]
    private static partial Regex HostnameChars();

    [GeneratedRegex(@"^/[A-Za-z0-9.\-_~/%:@!$&'()*+,;=]*$")]
    private static partial Regex RfcPath();

    [GeneratedRegex("%[0-9A-Fa-f]{2}")]
    private static partial Regex PercentEncoded();

    [GeneratedRegex(@"^[A-Za-z0-9.\-_~]+$")]
    private static partial Regex AsciiName();

    [GeneratedRegex("^[A-Z]+$")]
    private static partial Regex UpperCase();

    [GeneratedRegex(@"^[A-Za-z0-9\-_]+$")]
    private static partial Regex HeaderToken();

    [GeneratedRegex(@"^[A-Za-z0-9\-_]+$")]
    private static partial Regex CookieToken();
}

/// <summary>What kind of address <see cref="Typedefs.NormalizeIp"/> found.</summary>
public enum HostType
{
    /// <summary>A host name.</summary>
    Name,

    /// <summary>An IPv4 address.</summary>
    Ipv4,

    /// <summary>An IPv6 address.</summary>
    Ipv6,
}

/// <summary>A parsed address: normalized host (IPv4 without leading zeros, IPv6 fully expanded) and optional port.</summary>
public sealed record HostAddress(HostType Type, string Host, int? Port);

using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Schema;

namespace Gateway.Node.Plugins;

/// <summary>
/// Field types shared by plugin config schemas, as the parts of Kong's kong/db/schema/typedefs.lua that
/// plugins use (header_name, ip_or_cidr, path, host, port, timeout, url, sni, http_method) plus
/// short-hands for the field shapes every plugin repeats.
/// </summary>
public static class PluginFields
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A JSON number; parsed rather than wrapped so the validator can read it as any numeric type.</summary>
    public static JsonNode Number(double value) => JsonNode.Parse(value.ToString("R", CultureInfo.InvariantCulture))!;

    /// <summary>A required boolean with a default, as Kong's plugin flags (<c>type = "boolean", required = true, default = ...</c>).</summary>
    public static Field Bool(string name, bool @default, string description) =>
        Typedefs.Boolean(name, @default) with { Required = true, Description = description };

    /// <summary>An optional string, with a default and allowed values when given.</summary>
    public static Field Str(string name, string description, string? @default = null, params string[] oneOf) =>
        Typedefs.String(name, @default, oneOf) with { Description = description };

    /// <summary>A number (not necessarily integral), with an optional default.</summary>
    public static Field Num(string name, string description, double? @default = null) =>
        new(name, FieldType.Number) { Default = @default is { } d ? Number(d) : null, Description = description };

    /// <summary>An integer, with an optional default.</summary>
    public static Field Int(string name, string description, long? @default = null) =>
        new(name, FieldType.Integer) { Default = @default is { } d ? Number(d) : null, Description = description };

    /// <summary>An array with the given element type and a default (Kong's <c>default = {}</c> is an empty array).</summary>
    public static Field Array(string name, Field elements, string description, JsonArray? @default = null) =>
        new(name, FieldType.Array) { Elements = elements, Default = @default, Description = description };

    /// <summary>A set with the given element type and a default.</summary>
    public static Field Set(string name, Field elements, string description, JsonArray? @default = null) =>
        new(name, FieldType.Set) { Elements = elements, Default = @default, Description = description };

    /// <summary>An array of plain strings defaulting to the given values (an empty array when none).</summary>
    public static Field Strings(string name, string description, params string[] @default) =>
        Array(name, new Field(name, FieldType.String), description, Typedefs.Strings(@default));

    /// <summary>A string element (no attributes).</summary>
    public static Field Element() => new("element", FieldType.String);

    /// <summary>A record that is always present, built from its fields' defaults when absent (Kong fills nested records).</summary>
    public static Field Record(string name, string description, params Field[] fields) =>
        new(name, FieldType.Record) { Fields = fields, Required = true, Description = description };

    /// <summary>An HTTP header name (Kong's <c>typedefs.header_name</c>).</summary>
    public static Field HeaderName(string name, string? @default = null, string? description = null) =>
        new(name, FieldType.String)
        {
            Default = @default is null ? null : JsonValue.Create(@default),
            Custom = v => ValidateHeaderName(v.GetValue<string>()),
            Description = description,
        };

    /// <summary>An IP address or CIDR range (Kong's <c>typedefs.ip_or_cidr</c>).</summary>
    public static Field IpOrCidr(string name) =>
        new(name, FieldType.String) { Custom = v => ValidateIpOrCidr(v.GetValue<string>()) };

    /// <summary>A URL path (Kong's <c>typedefs.path</c>).</summary>
    public static Field Path(string name, string description) =>
        new(name, FieldType.String) { StartsWith = "/", Custom = v => ValidatePath(v.GetValue<string>()), Description = description };

    /// <summary>A hostname or IP address (Kong's <c>typedefs.host</c>).</summary>
    public static Field Host(string name, string description) =>
        new(name, FieldType.String) { Custom = v => ValidateHost(v.GetValue<string>()), Description = description };

    /// <summary>A TCP port (Kong's <c>typedefs.port</c>).</summary>
    public static Field Port(string name, string description, long? @default = null) =>
        Int(name, description, @default) with { Between = (0, 65535) };

    /// <summary>A timeout in milliseconds (Kong's <c>typedefs.timeout</c>).</summary>
    public static Field Timeout(string name, string description, long? @default = null) =>
        Int(name, description, @default) with { Between = (0, int.MaxValue - 1) };

    /// <summary>An absolute http(s) URL (Kong's <c>typedefs.url</c>).</summary>
    public static Field Url(string name, string description) =>
        new(name, FieldType.String) { Custom = v => ValidateUrl(v.GetValue<string>()), Description = description };

    /// <summary>A TLS server name (Kong's <c>typedefs.sni</c>).</summary>
    public static Field Sni(string name, string description) =>
        new(name, FieldType.String) { Custom = v => ValidateSni(v.GetValue<string>()), Description = description };

    /// <summary>An HTTP method in upper case (Kong's <c>typedefs.http_method</c>).</summary>
    public static Field HttpMethod(string name, string? description = null) =>
        new(name, FieldType.String) { Custom = v => ValidateHttpMethod(v.GetValue<string>()), Description = description };

    /// <summary>A string that must compile as a regular expression; Kong's <c>is_regex</c> message.</summary>
    public static Field Regex(string name) =>
        new(name, FieldType.String) { Custom = v => CompileRegex(v.GetValue<string>()).Error is null ? null : $"'{v.GetValue<string>()}' is not a valid regex" };

    /// <summary>
    /// Compiles a pattern with the non-backtracking engine (linear time, no catastrophic backtracking),
    /// falling back to the backtracking engine with a match timeout for constructs it lacks
    /// (backreferences, lookarounds). Returns the regex or the parser's reason.
    /// </summary>
    public static (Regex? Regex, string? Error) CompileRegex(string pattern)
    {
        try
        {
            return (new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant), null);
        }
        catch (NotSupportedException)
        {
            // Falls through: valid syntax the non-backtracking engine cannot run.
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }

        try
        {
            return (new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Kong's header name rule: letters, digits, '_' and '-'.</summary>
    public static string? ValidateHeaderName(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? null
            : $"bad header name '{name}', allowed characters are A-Z, a-z, 0-9, '_', and '-'";

    /// <summary>Kong's ip_or_cidr rule.</summary>
    public static string? ValidateIpOrCidr(string text)
    {
        var slash = text.IndexOf('/');
        var address = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(address, out var ip) || (slash < 0 ? false : !IsPrefixLength(text[(slash + 1)..], ip)))
        {
            return $"invalid ip or cidr range: '{text}'";
        }

        return null;
    }

    private static bool IsPrefixLength(string text, IPAddress ip) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
        && bits <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32);

    private static string? ValidatePath(string path)
    {
        if (path.Contains("//", StringComparison.Ordinal))
        {
            return "must not have empty segments";
        }

        return path.Any(c => char.IsControl(c) || c is ' ' or '?' or '#') ? "invalid path: '" + path + "'" : null;
    }

    private static string? ValidateHost(string host)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return null;
        }

        return Uri.CheckHostName(host) == UriHostNameType.Dns ? null : $"invalid value: {host}";
    }

    private static string? ValidateSni(string sni)
    {
        if (IPAddress.TryParse(sni, out _))
        {
            return "must not be an IP";
        }

        return Uri.CheckHostName(sni) == UriHostNameType.Dns ? null : $"invalid value: {sni}";
    }

    private static string? ValidateUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return "missing host in url";
        }

        return string.IsNullOrEmpty(uri.Host) ? "missing host in url" : null;
    }

    private static string? ValidateHttpMethod(string method) =>
        method.All(char.IsAsciiLetterUpper) ? null : $"invalid value: {method}";
}

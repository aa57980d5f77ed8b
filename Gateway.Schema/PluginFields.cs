using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// Short-hands for the field shapes plugin configs repeat (Kong's kong/plugins/*/schema.lua), each with
/// the description <c>/schemas</c> serves. The typed ones are <see cref="Typedefs"/>' fields with a
/// description (and default) added, so a rule lives in one place; bundled and custom plugins use the same ones.
/// </summary>
public static class PluginFields
{
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

    /// <summary>An HTTP header name (<see cref="Typedefs.HeaderName"/>).</summary>
    public static Field HeaderName(string name, string? @default = null, string? description = null) =>
        Typedefs.HeaderName(name) with { Default = @default is null ? null : JsonValue.Create(@default), Description = description };

    /// <summary>An IP address or CIDR range (<see cref="Typedefs.IpOrCidr"/>).</summary>
    public static Field IpOrCidr(string name) => Typedefs.IpOrCidr(name);

    /// <summary>A URL path (<see cref="Typedefs.Path"/>).</summary>
    public static Field Path(string name, string description) => Typedefs.Path(name) with { Description = description };

    /// <summary>A host name or IP address, no port (<see cref="Typedefs.Host"/>).</summary>
    public static Field Host(string name, string description) => Typedefs.Host(name) with { Description = description };

    /// <summary>A TCP port (<see cref="Typedefs.Port"/>).</summary>
    public static Field Port(string name, string description, long? @default = null) =>
        Typedefs.Port(name) with { Default = @default is { } d ? Number(d) : null, Description = description };

    /// <summary>A timeout in milliseconds (<see cref="Typedefs.Timeout"/>).</summary>
    public static Field Timeout(string name, string description, long? @default = null) =>
        Typedefs.Timeout(name) with { Default = @default is { } d ? Number(d) : null, Description = description };

    /// <summary>An absolute http(s) URL (<see cref="Typedefs.Url"/>).</summary>
    public static Field Url(string name, string description) => Typedefs.Url(name) with { Description = description };

    /// <summary>A TLS server name (<see cref="Typedefs.Sni"/>).</summary>
    public static Field Sni(string name, string description) => Typedefs.Sni(name) with { Description = description };

    /// <summary>An HTTP method in upper case (<see cref="Typedefs.HttpMethod"/>).</summary>
    public static Field HttpMethod(string name, string? description = null) => Typedefs.HttpMethod(name) with { Description = description };

    /// <summary>A string that must compile as a regular expression (<see cref="RegexPatterns.Compile"/>); Kong's <c>is_regex</c> message.</summary>
    public static Field Regex(string name) =>
        new(name, FieldType.String) { Custom = Typedefs.StringCheck(p => RegexPatterns.Compile(p).Error is null ? null : $"'{p}' is not a valid regex") };
}

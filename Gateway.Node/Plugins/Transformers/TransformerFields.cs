using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Transformers;

/// <summary>
/// The "name" and "name:value" string arrays of the request- and response-transformer plugins,
/// with the element checks and messages of Kong's transformer schemas.
/// </summary>
public static class TransformerFields
{
    /// <summary>An array of names, empty by default.</summary>
    public static Field Names(string name, string description) =>
        Array(name, Element(), description, []) with { Required = true };

    /// <summary>An array of header names, empty by default.</summary>
    public static Field HeaderNames(string name, string description) =>
        Array(name, new Field(name, FieldType.String) { Custom = v => ValidateHeader(v.GetValue<string>(), false) }, description, []) with { Required = true };

    /// <summary>An array of "name:value" pairs, empty by default.</summary>
    public static Field Pairs(string name, string description) =>
        Array(name, new Field(name, FieldType.String) { Custom = v => ValidatePair(v.GetValue<string>()) }, description, []) with { Required = true };

    /// <summary>An array of "header:value" pairs whose header name must be valid, empty by default.</summary>
    public static Field HeaderPairs(string name, string description) =>
        Array(name, new Field(name, FieldType.String) { Custom = v => ValidateHeader(v.GetValue<string>(), true) }, description, []) with { Required = true };

    /// <summary>
    /// Kong's colon_headers_array (rename.headers): "old:new" where both sides are valid header names
    /// (validate_colon_headers checks the new name too).
    /// </summary>
    public static Field RenameHeaders(string name, string description) =>
        Array(name, new Field(name, FieldType.String) { Custom = v => ValidateRename(v.GetValue<string>()) }, description, []) with { Required = true };

    /// <summary>The rename.headers element check: the pair's shape and old name first, then the new name.</summary>
    public static string? ValidateRename(string entry)
    {
        if (ValidateHeader(entry, true) is { } error)
        {
            return error;
        }

        var newName = NameValue.Parse(entry).Value;
        return newName.Length > 0 && Typedefs.ValidateHeaderName(newName) is null ? null : $"'{newName}' is not a valid header";
    }

    /// <summary>Kong's check_for_value: "name:value" with a non-empty value.</summary>
    public static string? ValidatePair(string entry)
    {
        var colon = entry.IndexOf(':');
        var name = colon < 0 ? entry : entry[..colon];
        var value = colon < 0 ? "" : entry[(colon + 1)..].TrimStart(':');
        return name.Length == 0 || value.Length == 0 ? $"key '{name}' has no value" : null;
    }

    /// <summary>Kong's validate_headers: the part before the first colon is a valid header name.</summary>
    public static string? ValidateHeader(string entry, bool needsValue)
    {
        var colon = entry.IndexOf(':');
        if (needsValue && colon <= 0)
        {
            return "invalid value: " + entry;
        }

        var name = colon < 0 ? entry : entry[..colon];
        return name.Length > 0 && Typedefs.ValidateHeaderName(name) is null ? null : $"'{name}' is not a valid header";
    }
}

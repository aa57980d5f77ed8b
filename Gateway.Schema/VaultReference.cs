using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// A vault reference, <c>{vault://name/resource[/key][?option=value][#version]}</c>, as Kong's kong/pdk/vault.lua
/// reads it: <c>name</c> is a vault entity's prefix or a vault kind ("env"); <c>key</c>, when given, picks a field
/// of a JSON secret; the query overrides the vault's config; the fragment asks for an older version.
/// </summary>
public sealed record VaultReference(string Name, string Resource, string? Key, int? Version, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>Kong's <c>is_reference</c>: a string shaped as <c>{vault://…}</c>.</summary>
    public static bool IsReference(string text) =>
        text.Length > 9 && text[0] == '{' && text[^1] == '}' && text.AsSpan(1, 8).SequenceEqual("vault://");

    /// <summary>Whether a JSON value is a string shaped as a reference.</summary>
    public static bool IsReference(JsonNode? value) =>
        value is JsonValue json && json.GetValueKind() == JsonValueKind.String && IsReference(json.GetValue<string>());

    /// <summary>Parses a reference; <paramref name="error"/> is Kong's message when it is not one.</summary>
    public static VaultReference? Parse(string reference, out string? error)
    {
        error = null;
        if (!IsReference(reference))
        {
            error = $"not a reference [{reference}]";
            return null;
        }

        var text = reference[9..^1];
        int? version = null;
        if (text.IndexOf('#') is var hash and >= 0)
        {
            if (!int.TryParse(text[(hash + 1)..], System.Globalization.NumberStyles.None, null, out var parsed))
            {
                error = $"reference url has invalid version [{reference}]";
                return null;
            }

            version = parsed;
            text = text[..hash];
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.IndexOf('?') is var query and >= 0)
        {
            foreach (var pair in text[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                options[Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals])] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            }

            text = text[..query];
        }

        var slash = text.IndexOf('/');
        if (slash <= 0)
        {
            error = slash == 0 || text.Length == 0 ? $"reference url is missing host [{reference}]" : $"reference url is missing path [{reference}]";
            return null;
        }

        var parts = text[(slash + 1)..].Split('/');
        if (parts.Length == 1 && parts[0].Length == 0)
        {
            error = $"reference url has empty path [{reference}]";
            return null;
        }

        var resource = parts.Length == 1 ? parts[0] : string.Join('/', parts[..^1]);
        var key = parts.Length == 1 || parts[^1].Length == 0 ? null : Uri.UnescapeDataString(parts[^1]);
        return new VaultReference(text[..slash], Uri.UnescapeDataString(resource), key, version, options);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Snapshot;
using VaultRows = Gateway.Storage.Entities.Vaults;

namespace Gateway.Node.Vaults;

/// <summary>
/// Resolves the vault references of one config version (kong/pdk/vault.lua): each reference once, against the
/// version's <c>vaults</c> rows (by prefix) or a vault kind named directly (<c>{vault://env/NAME}</c>). Resolved
/// values live only in what the snapshot compiles from them: never in the rows, the Admin API or a log line. A
/// reference that cannot be resolved becomes null, as in Kong, and is listed in <see cref="Unresolved"/>, by where
/// it is and why, for the node to log.
/// </summary>
public sealed class VaultSecrets
{
    private readonly Dictionary<string, JsonObject> _vaultsByPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Value, string? Error)> _resolved = new(StringComparer.Ordinal);
    private readonly List<string> _unresolved = [];

    /// <summary>The resolver of <paramref name="data"/>'s references.</summary>
    public VaultSecrets(ConfigData data)
    {
        foreach (var vault in data["vaults"])
        {
            if (vault["prefix"]?.GetValue<string>() is { } prefix)
            {
                _vaultsByPrefix[prefix] = vault;
            }
        }
    }

    /// <summary>A resolver of a version with no vault entities: references name vault kinds only.</summary>
    public static VaultSecrets None => new(ConfigData.Empty);

    /// <summary>"where: unable to resolve reference {vault://…} (why)", one per reference that failed.</summary>
    public IReadOnlyList<string> Unresolved => _unresolved;

    /// <summary>
    /// <paramref name="config"/> with every reference in a field <paramref name="record"/> marks referenceable
    /// replaced by its value: the same object when it holds none, a copy otherwise.
    /// </summary>
    /// <param name="record">The record's schema.</param>
    /// <param name="config">The stored config.</param>
    /// <param name="where">What holds it, for <see cref="Unresolved"/> ("plugin 'http-log' (id) config").</param>
    public JsonObject Resolve(Field record, JsonObject config, string where)
    {
        if (!config.ToJsonString().Contains("{vault://", StringComparison.Ordinal))
        {
            return config;
        }

        var copy = config.DeepClone().AsObject();
        ResolveRecord(record, copy, where);
        return copy;
    }

    /// <summary>The value of one field that may hold a reference; the text itself when it is not one.</summary>
    public string? Resolve(string text, string where)
    {
        if (!VaultReference.IsReference(text))
        {
            return text;
        }

        if (!_resolved.TryGetValue(text, out var outcome))
        {
            _resolved[text] = outcome = Fetch(text);
        }

        if (outcome.Error is { } error)
        {
            _unresolved.Add($"{where}: unable to resolve reference {text} ({error})");
        }

        return outcome.Value;
    }

    private void ResolveRecord(Field record, JsonObject values, string where)
    {
        foreach (var field in record.Fields ?? [])
        {
            if (values[field.Name] is { } value && Replacement(field, value, $"{where}.{field.Name}", out var resolved))
            {
                values[field.Name] = resolved;
            }
        }
    }

    /// <summary>Resolves what <paramref name="value"/> holds in place; true with the value to put in its place when it is itself a reference.</summary>
    private bool Replacement(Field field, JsonNode value, string where, out JsonNode? resolved)
    {
        resolved = null;
        switch (value)
        {
            case JsonValue text when field.Referenceable && VaultReference.IsReference(text):
                resolved = Resolve(text.GetValue<string>(), where) is { } secret ? JsonValue.Create(secret) : null;
                return true;
            case JsonObject record when field.Type == FieldType.Record:
                ResolveRecord(field, record, where);
                return false;
            case JsonObject map when field.Values is { } values:
                foreach (var key in map.Select(p => p.Key).ToArray())
                {
                    if (map[key] is { } item && Replacement(values, item, $"{where}.{key}", out var replaced))
                    {
                        // An entry whose secret is missing is left out, as a header Kong sets to nil is not sent.
                        if (replaced is null)
                        {
                            map.Remove(key);
                        }
                        else
                        {
                            map[key] = replaced;
                        }
                    }
                }

                return false;
            case JsonArray array when field.Elements is { } elements:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && Replacement(elements, item, $"{where}[{i + 1}]", out var replaced))
                    {
                        array[i] = replaced;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private (string? Value, string? Error) Fetch(string text)
    {
        if (VaultReference.Parse(text, out var parseError) is not { } reference)
        {
            return (null, parseError);
        }

        // A vault entity's prefix, else a vault kind by name with the kind's defaults.
        string kind;
        JsonObject? config;
        if (_vaultsByPrefix.TryGetValue(reference.Name, out var vault))
        {
            kind = vault["name"]?.GetValue<string>() ?? "";
            config = vault["config"] as JsonObject;
        }
        else if (VaultRows.Kinds.ContainsKey(reference.Name))
        {
            (kind, config) = (reference.Name, null);
        }
        else
        {
            return (null, $"could not find vault ({reference.Name})");
        }

        var prefix = reference.Options.GetValueOrDefault("prefix") ?? config?["prefix"]?.GetValue<string>();
        var secret = kind == "env" ? EnvVault.Get(prefix, reference.Resource, reference.Version) : null;
        if (secret is null)
        {
            return (null, "could not get value from external vault (no value found)");
        }

        return reference.Key is { } key ? KeyOf(secret, key) : (secret, null);
    }

    /// <summary>Kong's extract_key_from_json_string: a field of a flat JSON object secret.</summary>
    private static (string? Value, string? Error) KeyOf(string secret, string key)
    {
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(secret) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        return json?[key] switch
        {
            _ when json is null => (null, "unable to json decode value"),
            null => (null, $"subfield {key} not found in JSON secret"),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => (value.GetValue<string>(), null),
            var other => (null, $"unexpected {other.GetValueKind().ToString().ToLowerInvariant()} value in JSON secret for subfield {key}"),
        };
    }
}

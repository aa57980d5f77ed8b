using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// Cross-field rules of plugin configs, with the messages of Kong's entity checks
/// (kong/db/schema/init.lua). Kong declares them on the plugin entity with "config."-prefixed
/// names; here they run on the config record, so names are given bare and the prefix only
/// appears in messages.
/// </summary>
public static class ConfigChecks
{
    /// <summary>Kong's <c>at_least_one_of</c>: at least one of the fields is non-empty.</summary>
    public static EntityCheck AtLeastOneOf(string prefix, params string[] fields) => CheckDescriptions.Describe(
        (config, errors) =>
        {
            if (!fields.Any(f => IsNonEmpty(config[f])))
            {
                errors.Entity($"at least one of these fields must be non-empty: {Quote(prefix, fields)}");
            }
        },
        CheckDescriptions.OnFields("at_least_one_of", fields.Select(f => prefix + f)));

    /// <summary>Kong's <c>only_one_of</c>: at most one of the fields is non-empty.</summary>
    public static EntityCheck OnlyOneOf(string prefix, params string[] fields) => CheckDescriptions.Describe(
        (config, errors) =>
        {
            if (fields.Count(f => IsNonEmpty(config[f])) > 1)
            {
                errors.Entity($"only one of these fields must be non-empty: {Quote(prefix, fields)}");
            }
        },
        CheckDescriptions.OnFields("only_one_of", fields.Select(f => prefix + f)));

    /// <summary>Kong's <c>mutually_required</c>: all of the fields are set, or none.</summary>
    public static EntityCheck MutuallyRequired(string prefix, params string[] fields) => CheckDescriptions.Describe(
        (config, errors) =>
        {
            var set = fields.Count(f => config[f] is not null);
            if (set != 0 && set != fields.Length)
            {
                errors.Entity($"all or none of these fields must be set: {Quote(prefix, fields)}");
            }
        },
        CheckDescriptions.OnFields("mutually_required", fields.Select(f => prefix + f)));

    /// <summary>
    /// Kong's <c>conditional</c> with <c>then_match = { required = true }</c>: when
    /// <paramref name="ifField"/> equals <paramref name="value"/>, <paramref name="thenField"/> must be set.
    /// <paramref name="prefix"/> names the fields in <c>/schemas</c> as Kong declares them ("config.").
    /// </summary>
    public static EntityCheck RequiredWhen(string ifField, string value, string thenField, string prefix = "") => CheckDescriptions.Describe(
        (config, errors) =>
        {
            if (IsString(config[ifField], value) && config[thenField] is null)
            {
                errors.Field(thenField, "required field missing");
            }
        },
        CheckDescriptions.RequiredWhen(prefix + ifField, value, prefix + thenField));

    /// <summary>Kong's notion of "non-empty": not null, not an empty string, array or map.</summary>
    public static bool IsNonEmpty(JsonNode? value) => value switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject map => map.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        _ => true,
    };

    /// <summary>Whether the value is the given string.</summary>
    public static bool IsString(JsonNode? node, string value) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == value;

    private static string Quote(string prefix, IEnumerable<string> fields) =>
        string.Join(", ", fields.Select(f => $"'{prefix}{f}'"));
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// Kong's declarative entity checks (kong/db/schema/init.lua <c>entity_checkers</c>) as
/// <see cref="EntityCheck"/> builders, with Kong's messages.
/// </summary>
public static class Checks
{
    /// <summary>Kong's <c>at_least_one_of</c>: at least one of the fields is set and non-empty.</summary>
    public static EntityCheck AtLeastOneOf(params string[] fields) => CheckDescriptions.Describe(
        (entity, errors) =>
        {
            if (!fields.Any(f => IsNonEmpty(entity[f])))
            {
                errors.Entity($"at least one of these fields must be non-empty: {Quote(fields)}");
            }
        },
        CheckDescriptions.OnFields("at_least_one_of", fields));

    /// <summary>Kong's <c>mutually_required</c>: all of the fields are set, or none.</summary>
    public static EntityCheck MutuallyRequired(params string[] fields) => CheckDescriptions.Describe(
        (entity, errors) =>
        {
            var set = fields.Count(f => entity[f] is not null);
            if (set != 0 && set != fields.Length)
            {
                errors.Entity($"all or none of these fields must be set: {Quote(fields)}");
            }
        },
        CheckDescriptions.OnFields("mutually_required", fields));

    /// <summary>Kong's <c>mutually_exclusive</c>: at most one of the fields is set.</summary>
    public static EntityCheck MutuallyExclusive(params string[] fields) => CheckDescriptions.Describe(
        (entity, errors) =>
        {
            if (fields.Count(f => entity[f] is not null) > 1)
            {
                errors.Entity($"only one or none of these fields must be set: {Quote(fields)}");
            }
        },
        CheckDescriptions.OnFields("mutually_exclusive", fields));

    /// <summary>Kong's <c>distinct</c>: the fields, when set, hold different values.</summary>
    public static EntityCheck Distinct(string first, string second) => CheckDescriptions.Describe(
        (entity, errors) =>
        {
            if (entity[first] is { } a && entity[second] is { } b && JsonNode.DeepEquals(a, b))
            {
                errors.Entity($"values of these fields must be distinct: {Quote([first, second])}");
            }
        },
        CheckDescriptions.OnFields("distinct", [first, second]));

    /// <summary>
    /// Kong's <c>conditional</c>: when <paramref name="ifMatch"/> holds for <paramref name="ifField"/>,
    /// <paramref name="thenCheck"/> must accept <paramref name="thenField"/> (it returns an error or null).
    /// The field gets the error and the entity gets "failed conditional validation given value of
    /// field ..." (or <paramref name="thenError"/>).
    /// </summary>
    public static EntityCheck Conditional(
        string ifField, Func<JsonNode?, bool> ifMatch, string thenField, Func<JsonNode?, string?> thenCheck, string? thenError = null) =>
        (entity, errors) =>
        {
            if (entity[ifField] is null || !ifMatch(entity[ifField]))
            {
                return;
            }

            if (thenCheck(entity[thenField]) is { } error)
            {
                errors.Field(thenField, error);
                errors.Entity(thenError ?? $"failed conditional validation given value of field '{ifField}'");
            }
        };

    /// <summary>A <see cref="Conditional"/> whose then-part requires the field to be null.</summary>
    public static EntityCheck NullWhen(string ifField, Func<JsonNode?, bool> ifMatch, string thenField) =>
        Conditional(ifField, ifMatch, thenField, v => v is null ? null : "value must be null");

    /// <summary>A <see cref="Conditional"/> whose then-part requires the field to be set.</summary>
    public static EntityCheck RequiredWhen(string ifField, string ifValue, string thenField) => CheckDescriptions.Describe(
        Conditional(ifField, v => Is(v, ifValue), thenField, v => v is null ? "required field missing" : null),
        CheckDescriptions.RequiredWhen(ifField, ifValue, thenField));

    /// <summary>A <see cref="Conditional"/> whose then-part limits the field to some values.</summary>
    public static EntityCheck OneOfWhen(string ifField, string ifValue, string thenField, params string[] allowed) =>
        Conditional(ifField, v => Is(v, ifValue), thenField,
            v => v is null || (v.GetValueKind() == JsonValueKind.String && allowed.Contains(v.GetValue<string>()))
                ? null
                : $"expected one of: {string.Join(", ", allowed)}");

    /// <summary>Whether a node is the string <paramref name="value"/>.</summary>
    public static bool Is(JsonNode? node, string value) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && text == value;

    /// <summary>The strings of an array node (empty when it is null or not an array).</summary>
    public static IEnumerable<string> StringsOf(JsonNode? node) =>
        node is JsonArray array
            ? array.Select(e => e is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()
            : [];

    /// <summary>Kong's notion of a set value: not null, and not an empty string, array or map.</summary>
    public static bool IsNonEmpty(JsonNode? node) => node switch
    {
        null => false,
        JsonArray array => array.Count > 0,
        JsonObject map => map.Count > 0,
        JsonValue value when value.TryGetValue<string>(out var text) => text.Length > 0,
        _ => true,
    };

    /// <summary>Kong's list format for field names: "'a', 'b'".</summary>
    public static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}

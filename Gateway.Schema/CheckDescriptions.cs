using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// What <c>/schemas</c> shows of an <see cref="EntityCheck"/>: Kong's declarative form of the check
/// (<c>{"at_least_one_of":["a","b"]}</c>), attached by the builders that know it. A check written as code
/// (Kong's <c>custom_entity_check</c>, whose function Kong does not serve either) has none.
/// </summary>
public static class CheckDescriptions
{
    private static readonly ConditionalWeakTable<EntityCheck, JsonObject> Described = [];

    /// <summary>Attaches Kong's form of the check; returns the check.</summary>
    public static EntityCheck Describe(EntityCheck check, JsonObject kong)
    {
        Described.AddOrUpdate(check, kong);
        return check;
    }

    /// <summary>A copy of the check's Kong form, or null when it has none.</summary>
    public static JsonObject? Of(EntityCheck check) =>
        Described.TryGetValue(check, out var kong) ? (JsonObject)kong.DeepClone() : null;

    /// <summary>Kong's form of the checks that have one, as <c>entity_checks</c> is served: always an array.</summary>
    public static JsonArray Of(IEnumerable<EntityCheck> checks) =>
        new([.. checks.Select(Of).Where(d => d is not null).Select(d => (JsonNode)d!)]);

    /// <summary>A check on a list of field names (<c>at_least_one_of</c>, <c>only_one_of</c>, <c>mutually_required</c>, <c>distinct</c>).</summary>
    public static JsonObject OnFields(string name, IEnumerable<string> fields) => new() { [name] = Typedefs.Strings([.. fields]) };

    /// <summary>Kong's <c>conditional</c> with <c>if_match = { eq = value }</c> and <c>then_match = { required = true }</c>.</summary>
    public static JsonObject RequiredWhen(string ifField, string value, string thenField) => new()
    {
        ["conditional"] = new JsonObject
        {
            ["if_field"] = ifField,
            ["if_match"] = new JsonObject { ["eq"] = value },
            ["then_field"] = thenField,
            ["then_match"] = new JsonObject { ["required"] = true },
        },
    };
}

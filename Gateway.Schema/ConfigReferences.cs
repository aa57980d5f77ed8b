using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// The rows a validated plugin config names through <see cref="Field.RefersTo"/> fields (the aggregate plugin's
/// backend services), and the error both write paths (the Admin API against the store, a declarative file against
/// itself) report for one that does not exist.
/// </summary>
public static class ConfigReferences
{
    /// <summary>One named row: where in the config (<c>backends.2.service</c>, 1-based as Kong's messages), which entity, the id or endpoint key.</summary>
    public readonly record struct Reference(string Path, string Entity, string Key);

    /// <summary>Every reference in <paramref name="config"/> (a config valid for <paramref name="schema"/>), in field order.</summary>
    public static IReadOnlyList<Reference> Of(PluginSchema schema, JsonNode? config)
    {
        var found = new List<Reference>();
        Collect(schema.Config, config, "", found);
        return found;
    }

    /// <summary>The schema violation for references that name no row: Kong's <c>fields</c> tree, with the messages on the config record.</summary>
    public static ValidationErrors Missing(IEnumerable<Reference> missing)
    {
        var config = new ValidationErrors();
        foreach (var reference in missing)
        {
            config.Entity($"{reference.Path}: no {reference.Entity} entity with id or name '{reference.Key}'");
        }

        var errors = new ValidationErrors();
        errors.Nested("config", config);
        return errors;
    }

    private static void Collect(Field field, JsonNode? value, string path, List<Reference> found)
    {
        switch (value)
        {
            case JsonValue text when field.RefersTo is { } entity && text.GetValueKind() == JsonValueKind.String:
                found.Add(new Reference(path, entity, text.GetValue<string>()));
                break;
            case JsonObject record when field.Fields is { } fields:
                foreach (var child in fields)
                {
                    Collect(child, record[child.Name], path.Length == 0 ? child.Name : $"{path}.{child.Name}", found);
                }

                break;
            case JsonArray array when field.Elements is { } elements:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(elements, array[i], $"{path}.{i + 1}", found);
                }

                break;
        }
    }
}

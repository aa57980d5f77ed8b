using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Node.Admin;

/// <summary>Renders schemas as Kong's <c>/schemas</c> endpoints do: <c>{"fields":[{"name":{"type":...}}]}</c>.</summary>
public static class SchemaDescriber
{
    /// <summary>An entity schema, with a plugin's config record in place of the abstract one.</summary>
    public static JsonObject Describe(EntitySchema schema, PluginSchema? plugin = null) => new()
    {
        ["fields"] = Fields(plugin is null
            ? schema.Fields
            : schema.Fields.Select(f => f.Name == schema.SubschemaField ? plugin.Config with { Name = f.Name, Required = true } : f)),
    };

    private static JsonArray Fields(IEnumerable<Field> fields) =>
        new([.. fields.Select(f => (JsonNode)new JsonObject { [f.Name] = Describe(f) })]);

    private static JsonObject Describe(Field field)
    {
        var json = new JsonObject { ["type"] = field.Type.ToString().ToLowerInvariant() };
        Add(json, "required", field.Required);
        Add(json, "unique", field.Unique);
        Add(json, "auto", field.Auto);
        Add(json, "uuid", field.Uuid);
        Add(json, "timestamp", field.Timestamp);
        if (field.Default is not null)
        {
            json["default"] = field.Default.DeepClone();
        }

        if (field.OneOf is { } oneOf)
        {
            json["one_of"] = new JsonArray([.. oneOf.Select(o => (JsonNode)JsonValue.Create(o))]);
        }

        if (field.Between is { } between)
        {
            json["between"] = new JsonArray(between.Min, between.Max);
        }

        if (field.Gt is { } gt)
        {
            json["gt"] = gt;
        }

        if (field.LenMin is { } lenMin)
        {
            json["len_min"] = lenMin;
        }

        if (field.LenMax is { } lenMax)
        {
            json["len_max"] = lenMax;
        }

        if (field.StartsWith is { } startsWith)
        {
            json["starts_with"] = startsWith;
        }

        if (field.Reference is { } reference)
        {
            json["reference"] = reference;
            json["on_delete"] = field.OnDelete == OnDelete.Cascade ? "cascade" : "restrict";
        }

        if (field.Elements is { } elements)
        {
            json["elements"] = Describe(elements);
        }

        if (field.Keys is { } keys)
        {
            json["keys"] = Describe(keys);
        }

        if (field.Values is { } values)
        {
            json["values"] = Describe(values);
        }

        if (field.Fields is { } nested)
        {
            json["fields"] = Fields(nested);
        }

        if (field.Description is { } description)
        {
            json["description"] = description;
        }

        return json;
    }

    private static void Add(JsonObject json, string name, bool flag)
    {
        if (flag)
        {
            json[name] = true;
        }
    }
}

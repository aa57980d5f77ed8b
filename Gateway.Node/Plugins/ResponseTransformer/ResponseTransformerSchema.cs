using Gateway.Schema;
using static Gateway.Node.Plugins.Transformers.TransformerFields;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.ResponseTransformer;

/// <summary>The response-transformer plugin's config (Kong 3.9 kong/plugins/response-transformer/schema.lua).</summary>
public static class ResponseTransformerSchema
{
    /// <summary>Kong's response-transformer handler PRIORITY.</summary>
    public const int Priority = 800;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("response-transformer", Priority, Record("config", "The response-transformer settings.",
        Record("remove", "Parts to remove.",
            Names("json", "JSON body properties to remove."),
            Names("headers", "Header names to remove.")),
        Record("rename", "Parts to rename, as \"old:new\".",
            Colon("json", "JSON body properties to rename."),
            RenameHeaders("headers", "Headers to rename.")),
        Typed("replace", "Parts to replace when present, as \"name:value\"."),
        Typed("add", "Parts to add when absent, as \"name:value\"."),
        Typed("append", "Values to append, as \"name:value\".")));

    private static Field Typed(string name, string description) => Record(name, description,
        Colon("json", "JSON body properties, as \"name:value\"."),
        Array("json_types", Typedefs.String("json_type", null, "boolean", "number", "string"),
            "The JSON type of each json value, in order.", []) with
        { Required = true },
        Colon("headers", "Headers, as \"name:value\"."));

    /// <summary>
    /// Kong's colon_string_array: only <c>match = "^[^:]+:.*$"</c>, so "name:" (an empty value) is
    /// accepted, unlike the request-transformer's check_for_value.
    /// </summary>
    private static Field Colon(string name, string description) =>
        Array(name, new Field(name, FieldType.String) { Custom = v => v.GetValue<string>() is var entry && entry.IndexOf(':') > 0 ? null : "invalid value: " + entry }, description, []) with { Required = true };
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Plugins.Transformers;

/// <summary>
/// How Kong's transformers see a decoded JSON object: a Lua table from cjson, where a property is
/// "truthy" unless absent or <c>false</c> (JSON null is cjson.null, which Lua counts as true), and
/// append_value turns a string into a list, extends a list, and replaces anything else.
/// </summary>
public static class LuaJson
{
    /// <summary>Lua's <c>if t[name] then</c>: present and not <c>false</c>.</summary>
    public static bool IsTruthy(JsonObject json, string name) =>
        json.TryGetPropertyValue(name, out var value) && !(value is JsonValue v && v.GetValueKind() == JsonValueKind.False);

    /// <summary>
    /// Kong's append_value: a string becomes [string, value], an array gets the value at its end, and
    /// anything else (absent, null, a number, a boolean) becomes [value]. An object stays
    /// [object, value]: Kong would insert into the table and emit a "1" key, which nobody relies on.
    /// </summary>
    public static void Append(JsonObject json, string name, JsonNode value)
    {
        json.TryGetPropertyValue(name, out var current);
        json[name] = current switch
        {
            JsonArray array => Appended(array, value),
            JsonValue text when text.GetValueKind() == JsonValueKind.String => new JsonArray(text.DeepClone(), value),
            JsonObject other => new JsonArray(other.DeepClone(), value),
            _ => new JsonArray(value),
        };
    }

    private static JsonArray Appended(JsonArray array, JsonNode value)
    {
        var copy = (JsonArray)array.DeepClone();
        copy.Add(value);
        return copy;
    }
}

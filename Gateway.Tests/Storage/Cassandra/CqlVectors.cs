using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>
/// Loads Vectors/cql-v4-vectors.json (DataStax Python driver output; a copy of shared/reference/cql, whose README
/// is beside it) and converts its JSON values.
/// </summary>
internal static class CqlVectors
{
    private static readonly Lazy<JsonObject> Document = new(Load);

    public static JsonObject Root => Document.Value;

    public static JsonObject Find(string section, string id) =>
        Root[section]!.AsArray().Select(n => n!.AsObject()).Single(n => (string?)n["id"] == id);

    public static IEnumerable<object[]> Ids(string section) =>
        Root[section]!.AsArray().Select(n => new object[] { (string)n!["id"]! });

    /// <summary>The CLR value the codec takes for a JSON value written in the vectors' conventions.</summary>
    public static object? ToClr(CqlType type, JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is JsonObject unset && unset["unset"] is not null && type.Code != CqlTypeCode.Map)
        {
            return CqlUnset.Value;
        }
        return type.Code switch
        {
            CqlTypeCode.Ascii or CqlTypeCode.Varchar => (string)node!,
            CqlTypeCode.Int => (int)node,
            CqlTypeCode.Bigint => (long)node,
            CqlTypeCode.Boolean => (bool)node,
            CqlTypeCode.Uuid or CqlTypeCode.Timeuuid => Guid.Parse((string)node!),
            CqlTypeCode.Timestamp => DateTimeOffset.FromUnixTimeMilliseconds((long)node),
            CqlTypeCode.Blob => Convert.FromHexString((string)node!),
            CqlTypeCode.List or CqlTypeCode.Set => node.AsArray().Select(e => ToClr(type.Parameters[0], e)).ToList(),
            CqlTypeCode.Map => ToMap(type, node.AsObject()),
            _ => throw new NotSupportedException(type.ToString()),
        };
    }

    /// <summary>A decoded CLR value in the vectors' JSON conventions.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        Guid g => JsonValue.Create(g.ToString()),
        DateTimeOffset d => JsonValue.Create(d.ToUnixTimeMilliseconds()),
        byte[] bytes => JsonValue.Create(Convert.ToHexStringLower(bytes)),
        Dictionary<object, object?> map => new JsonObject(map.Select(e => KeyValuePair.Create(Convert.ToString(e.Key, CultureInfo.InvariantCulture)!, ToJson(e.Value)))),
        List<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static OrderedDictionary<object, object> ToMap(CqlType type, JsonObject map)
    {
        var result = new OrderedDictionary<object, object>();
        foreach (var (key, value) in map)
        {
            result.Add(ToClr(type.Parameters[0], JsonValue.Create(key))!, ToClr(type.Parameters[1], value)!);
        }
        return result;
    }

    private static JsonObject Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Cassandra", "Vectors", "cql-v4-vectors.json");
        return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions())!.AsObject();
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// Reads JSON as Kong's cjson does, the one rule for every body the Admin API and the declarative
/// reader accept: a key given twice keeps its last value (cjson fills a Lua table, so the later
/// assignment wins), and text that is not valid UTF-8, or a <c>\u</c> escape that leaves a lone
/// surrogate, is refused. The tree is built whole here, so nothing fails later when a handler
/// reads it (a lazily parsed <see cref="JsonNode"/> throws on a duplicate key or a bad string
/// only when that part is first read).
/// </summary>
public static class KongJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses UTF-8 JSON.</summary>
    /// <exception cref="JsonException">The text is not JSON, or holds invalid UTF-8 or a lone surrogate.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, JsonSerializerOptions? options = null)
    {
        try
        {
            return Build(JsonSerializer.Deserialize<JsonElement>(utf8, options));
        }
        catch (InvalidOperationException e)
        {
            // What System.Text.Json throws when it transcodes a string it has only tokenised.
            throw new JsonException(e.Message, e);
        }
    }

    /// <summary>Parses JSON text (a string that is itself not valid UTF-16 is refused too).</summary>
    /// <exception cref="JsonException">As <see cref="Parse(ReadOnlySpan{byte}, JsonSerializerOptions?)"/>.</exception>
    public static JsonNode? Parse(string text, JsonSerializerOptions? options = null)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new JsonException(e.Message, e);
        }

        return Parse(utf8, options);
    }

    private static JsonNode? Build(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = Build(property.Value);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(Build(item));
                }

                return array;
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                // Decoding once checks the string; the node stays backed by the element, as JsonNode.Parse's are.
                _ = element.GetString();
                return JsonValue.Create(element);
            default:
                return JsonValue.Create(element);
        }
    }
}

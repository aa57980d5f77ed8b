using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Storage.Store;

/// <summary>
/// Renders values as Kong's messages do (Penlight's <c>pretty.write(t, "")</c>, as in the code-5 unique
/// violation and the code-14 declarative message): keys
/// sorted, identifiers bare and other keys bracketed, arrays as <c>{a,b}</c>, and the holes of a sparse
/// array skipped with the later elements written as <c>[3]=...</c>.
/// </summary>
public static partial class KongFormat
{
    /// <summary>The one-line Lua rendering of <paramref name="node"/>: <c>{consumer=null,name="basic-auth",service={id="..."}}</c>.</summary>
    public static string Pretty(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(builder, node);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JsonNode? node)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    builder.Append(Identifier().IsMatch(key) ? key : $"[{Quote(key)}]").Append('=');
                    Write(builder, value);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('{');
                var dense = true;
                var written = 0;
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null)
                    {
                        dense = false;
                        continue;
                    }

                    if (written++ > 0)
                    {
                        builder.Append(',');
                    }

                    if (!dense)
                    {
                        builder.Append('[').Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("]=");
                    }

                    Write(builder, array[i]);
                }

                builder.Append('}');
                break;
            default:
                builder.Append(node.GetValueKind() == JsonValueKind.String ? Quote(node.GetValue<string>()) : node.ToJsonString());
                break;
        }
    }

    /// <summary>Penlight's quote_string: single quotes when that avoids escaping, else Lua's <c>%q</c>.</summary>
    private static string Quote(string text) =>
        text.Contains('"') && !text.Contains('\'') && !text.Contains('\\') ? $"'{text}'" : $"\"{text.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}

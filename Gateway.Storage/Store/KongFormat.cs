using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Storage.Store;

/// <summary>Renders values as Kong's messages do (Penlight's pretty.write on one line).</summary>
public static class KongFormat
{
    /// <summary><c>{consumer=null,name="basic-auth",service={id="..."}}</c>: keys sorted, strings quoted.</summary>
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
                    builder.Append(key).Append('=');
                    Write(builder, value);
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('{');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, array[i]);
                }

                builder.Append('}');
                break;
            default:
                if (node.GetValueKind() == JsonValueKind.String)
                {
                    builder.Append('"').Append(node.GetValue<string>()).Append('"');
                }
                else
                {
                    builder.Append(node.ToJsonString());
                }

                break;
        }
    }
}

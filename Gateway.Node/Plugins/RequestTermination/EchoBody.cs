using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.RequestTermination;

/// <summary>
/// The request body for Kong's echo, as <c>kong.request.get_raw_body</c> and <c>get_body</c> give it: the
/// text when it fits Kong's client body buffer (<c>client_body_buffer_size</c>, 8k by default; a larger body
/// goes to a temporary file and Kong echoes neither), parsed when it is urlencoded or JSON (multipart forms
/// are not parsed).
/// </summary>
public static class EchoBody
{
    /// <summary>Kong's default <c>client_body_buffer_size</c>.</summary>
    public const int BufferSize = 8 * 1024;

    /// <summary>The body as text ("" when there is none), or null when it is larger than the buffer.</summary>
    public static async Task<string?> ReadAsync(HttpRequest request) =>
        await RequestBodies.ReadAsync(request, BufferSize) is { } body ? Encoding.UTF8.GetString(body) : null;

    /// <summary>Kong's get_body for the content types it parses; null for others or an invalid body.</summary>
    public static JsonNode? Parse(string? contentType, string raw)
    {
        var type = contentType?.ToLowerInvariant() ?? "";
        if (type.StartsWith("application/x-www-form-urlencoded", StringComparison.Ordinal))
        {
            return QueryArgs.ParseForm(raw, QueryArgs.NginxMaxArgs).ToJson();
        }

        if (!type.StartsWith("application/json", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            // Kong keeps only a JSON object or array ("invalid json body" otherwise).
            return JsonNode.Parse(raw) is { } json && json.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array ? json : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

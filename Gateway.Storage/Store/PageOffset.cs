using System.Text;
using System.Text.Json;
namespace Gateway.Storage.Store;

/// <summary>
/// The opaque page offsets: base64 of the last id of a page (entities), or of a JSON array of the
/// last row's key parts (tags). Every store issues and reads the same offsets, and so does the node's
/// snapshot fallback while the database is down.
/// </summary>
public static class PageOffset
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The offset after the row with this id.</summary>
    public static string Encode(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastId));

    /// <summary>The offset after the row with these key parts.</summary>
    public static string Encode(string[] lastKey) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(lastKey));

    /// <summary>The last id the offset names.</summary>
    /// <exception cref="InvalidOffsetException">Not base64 of UTF-8 text, or the text holds a NUL (no id does, and PostgreSQL's text cannot).</exception>
    public static string DecodeId(string offset)
    {
        string id;
        try
        {
            id = StrictUtf8.GetString(Convert.FromBase64String(offset));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new InvalidOffsetException(offset, "bad base64 encoding");
        }

        return id.Contains('\0', StringComparison.Ordinal) ? throw new InvalidOffsetException(offset, "bad base64 encoding") : id;
    }

    /// <summary>The key parts the offset names.</summary>
    /// <exception cref="InvalidOffsetException">Not base64, or not a JSON array of <paramref name="count"/> strings without a NUL.</exception>
    public static string[] DecodeKey(string offset, int count)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(offset);
        }
        catch (FormatException)
        {
            throw new InvalidOffsetException(offset, "bad base64 encoding");
        }

        try
        {
            if (JsonSerializer.Deserialize<string?[]>(bytes) is { } parts && parts.Length == count && parts.All(p => p is not null && !p.Contains('\0', StringComparison.Ordinal)))
            {
                return parts!;
            }
        }
        catch (JsonException)
        {
        }

        throw new InvalidOffsetException(offset, "bad json encoding");
    }
}

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// nginx's <c>ngx_decode_base64</c> (Lua's <c>ngx.decode_base64</c>), which Kong's basic-auth and hmac-auth
/// decode with: the standard alphabet up to the first '=', padding optional, anything after the first
/// '=' ignored, any other character (whitespace included) an error.
/// </summary>
public static class NginxBase64
{
    /// <summary>The decoded bytes, or null where nginx answers an error.</summary>
    public static byte[]? Decode(ReadOnlySpan<char> text)
    {
        var end = text.IndexOf('=');
        var data = end < 0 ? text : text[..end];
        if (data.Length % 4 == 1)
        {
            return null;
        }

        foreach (var c in data)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/'))
            {
                return null;
            }
        }

        var padding = (4 - (data.Length % 4)) % 4;
        var buffer = new char[data.Length + padding];
        data.CopyTo(buffer);
        buffer.AsSpan(data.Length).Fill('=');
        var bytes = new byte[buffer.Length / 4 * 3];
        return Convert.TryFromBase64Chars(buffer, bytes, out var length) ? bytes[..length] : null;
    }
}

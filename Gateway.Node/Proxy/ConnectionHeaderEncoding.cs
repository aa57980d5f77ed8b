using System.Text;

namespace Gateway.Node.Proxy;

/// <summary>
/// Strict UTF-8, as Kestrel decodes request headers by default (invalid bytes fail the request), that also hands
/// each decoded value naming a header to <see cref="ConnectionHeaderCapture.Record"/>. Kestrel asks for it for the
/// Connection header only. The usual values (one option: keep-alive, close, upgrade) name none and cost nothing more.
/// </summary>
internal sealed class ConnectionHeaderEncoding : Encoding
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <inheritdoc />
    public override int GetByteCount(char[] chars, int index, int count) => Utf8.GetByteCount(chars, index, count);

    /// <inheritdoc />
    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        Utf8.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    /// <inheritdoc />
    public override int GetCharCount(byte[] bytes, int index, int count) => Utf8.GetCharCount(bytes, index, count);

    /// <inheritdoc />
    public override unsafe int GetCharCount(byte* bytes, int count) => Utf8.GetCharCount(bytes, count);

    /// <inheritdoc />
    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        var count = Utf8.GetChars(bytes, byteIndex, byteCount, chars, charIndex);
        Record(chars.AsSpan(charIndex, count));
        return count;
    }

    /// <inheritdoc />
    /// <remarks>What Kestrel calls (through <see cref="Encoding.GetString(ReadOnlySpan{byte})"/>): no copies to arrays.</remarks>
    public override unsafe int GetChars(byte* bytes, int byteCount, char* chars, int charCount)
    {
        var count = Utf8.GetChars(bytes, byteCount, chars, charCount);
        Record(new ReadOnlySpan<char>(chars, count));
        return count;
    }

    /// <inheritdoc />
    public override int GetMaxByteCount(int charCount) => Utf8.GetMaxByteCount(charCount);

    /// <inheritdoc />
    public override int GetMaxCharCount(int byteCount) => Utf8.GetMaxCharCount(byteCount);

    private static void Record(ReadOnlySpan<char> value)
    {
        if (!HopByHopHeaders.IsOnlyAnOption(value.Trim()))
        {
            ConnectionHeaderCapture.Record(value.ToString());
        }
    }
}

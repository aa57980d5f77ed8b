using System.Text;

namespace Gateway.Node.Proxy;

/// <summary>
/// Strict UTF-8, as Kestrel decodes request headers by default (invalid bytes fail the request), that also hands
/// each decoded value to <see cref="ConnectionHeaderCapture.Record"/>. Kestrel asks for it for the Connection header only.
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
    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        var count = Utf8.GetChars(bytes, byteIndex, byteCount, chars, charIndex);
        ConnectionHeaderCapture.Record(new string(chars, charIndex, count));
        return count;
    }

    /// <inheritdoc />
    public override int GetMaxByteCount(int charCount) => Utf8.GetMaxByteCount(charCount);

    /// <inheritdoc />
    public override int GetMaxCharCount(int byteCount) => Utf8.GetMaxCharCount(byteCount);
}

using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Gateway.Node.Routing;

/// <summary>
/// Kong's request path handling (kong/tools/uri.lua): <see cref="Normalize"/> before matching, and
/// <see cref="Escape"/> on the way to the upstream. Both return their input unchanged, without
/// allocating, when there is nothing to do, which is the common case.
/// </summary>
public static class UriNormalizer
{
    /// <summary>RFC 3986 reserved characters: their percent-encodings keep their meaning and are never decoded.</summary>
    private static readonly SearchValues<char> Reserved = SearchValues.Create("!*'();:@&=+$,/?%#[]");

    /// <summary>What may go to the upstream unescaped (Kong's ESCAPE_PATTERN, inverted).</summary>
    private static readonly SearchValues<char> Safe =
        SearchValues.Create("!#$&'()*+,/:;=?@[]ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%");

    /// <summary>
    /// Percent-decodes every triplet except reserved characters (which are upper-cased instead), then
    /// removes dot segments and merges repeated slashes, as Kong's <c>normalize(uri, true)</c>. Decoded bytes
    /// that are not UTF-8 (an overlong <c>%C0%AF</c>, a lone <c>%FF</c>) stay encoded, upper-cased: Kong keeps
    /// them as raw bytes, which match no <c>/</c> or <c>.</c> and go upstream re-encoded as they came.
    /// </summary>
    public static string Normalize(string path)
    {
        if (path.Length <= 1)
        {
            return path;
        }

        if (path.Contains('%', StringComparison.Ordinal))
        {
            path = Decode(path);
        }

        if (!path.Contains('.', StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }

        return RemoveDotSegments(path);
    }

    /// <summary>Percent-encodes (UTF-8, upper-case hex) every character outside Kong's safe set.</summary>
    public static string Escape(string path)
    {
        var first = path.AsSpan().IndexOfAnyExcept(Safe);
        if (first < 0)
        {
            return path;
        }

        var builder = new StringBuilder(path.Length + 16);
        builder.Append(path, 0, first);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = first; i < path.Length; i++)
        {
            var c = path[i];
            if (Safe.Contains(c))
            {
                builder.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < path.Length
                ? Encoding.UTF8.GetBytes(path.AsSpan(i++, 2), bytes)
                : Encoding.UTF8.GetBytes(path.AsSpan(i, 1), bytes);
            for (var b = 0; b < length; b++)
            {
                builder.Append('%').Append(HexUpper(bytes[b] >> 4)).Append(HexUpper(bytes[b] & 0xF));
            }
        }

        return builder.ToString();
    }

    private static char HexUpper(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static string Decode(string path)
    {
        // Decoding never lengthens: a triplet gives one byte or stays three, any other character its UTF-8 bytes.
        var bytes = new byte[Encoding.UTF8.GetByteCount(path)];
        var count = 0;
        var ascii = true;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '%' && i + 2 < path.Length && char.IsAsciiHexDigit(path[i + 1]) && char.IsAsciiHexDigit(path[i + 2]))
            {
                var value = (byte)((HexValue(path[i + 1]) << 4) | HexValue(path[i + 2]));
                if (value < 0x80 && Reserved.Contains((char)value))
                {
                    bytes[count++] = (byte)'%';
                    bytes[count++] = (byte)char.ToUpperInvariant(path[i + 1]);
                    bytes[count++] = (byte)char.ToUpperInvariant(path[i + 2]);
                }
                else
                {
                    ascii &= value < 0x80;
                    bytes[count++] = value;
                }

                i += 2;
            }
            else if (c < 0x80)
            {
                bytes[count++] = (byte)c;
            }
            else
            {
                // Already decoded text (a non-ASCII request target): keep it as UTF-8, a surrogate pair as one character.
                var length = char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1]) ? 2 : 1;
                count += Encoding.UTF8.GetBytes(path.AsSpan(i, length), bytes.AsSpan(count));
                i += length - 1;
                ascii = false;
            }
        }

        var decoded = bytes.AsSpan(0, count);
        return ascii ? Encoding.ASCII.GetString(decoded)
            : Utf8.IsValid(decoded) ? Encoding.UTF8.GetString(decoded)
            : KeepInvalidEncoded(decoded);
    }

    /// <summary>The decoded bytes as text, with every byte outside a valid UTF-8 sequence as its upper-case triplet.</summary>
    private static string KeepInvalidEncoded(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length * 3);
        Span<char> utf16 = stackalloc char[2];
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out var consumed) == OperationStatus.Done)
            {
                builder.Append(utf16[..rune.EncodeToUtf16(utf16)]);
            }
            else
            {
                foreach (var b in bytes[..consumed])
                {
                    builder.Append('%').Append(HexUpper(b >> 4)).Append(HexUpper(b & 0xF));
                }
            }

            bytes = bytes[consumed..];
        }

        return builder.ToString();
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>RFC 3986 5.2.4 with Kong's extra rule that <c>//</c> collapses to <c>/</c>.</summary>
    private static string RemoveDotSegments(string uri)
    {
        var output = new List<string>();
        var input = uri.AsSpan();
        while (input.Length > 0)
        {
            if (input is "/.")
            {
                input = "/";
            }
            else if (input is "/..")
            {
                input = "/";
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else if (input is "." or "..")
            {
                input = [];
            }
            else if (input.StartsWith("../"))
            {
                input = input[3..];
            }
            else if (input.StartsWith("./"))
            {
                input = input[2..];
            }
            else if (input.StartsWith("/./"))
            {
                input = input[2..];
            }
            else if (input.StartsWith("/../"))
            {
                input = input[3..];
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else if (input.StartsWith("//"))
            {
                input = input[1..];
            }
            else
            {
                var next = input[1..].IndexOf('/');
                var segment = next < 0 ? input : input[..(next + 1)];
                output.Add(segment.ToString());
                input = input[segment.Length..];
            }
        }

        return string.Concat(output);
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// A multipart/form-data body as Kong's lua-multipart library handles it for the request-transformer:
/// named parts in order (a part without a name is dropped), <see cref="Get"/> finds the first part of
/// a name, <see cref="Delete"/> removes every part of a name, <see cref="SetSimple"/> replaces the
/// first part of a name in place or adds one at the end, with only a Content-Disposition header.
/// Written back as "--boundary\r\n", the part's header lines, a blank line, the value and "\r\n" per
/// part, then "--boundary--\r\n" (nothing at all when no part is left). Values stay bytes, so files
/// go through untouched.
/// </summary>
public sealed partial class MultipartBody
{
    private readonly byte[] _delimiter;
    private readonly List<Part> _parts;

    private MultipartBody(string boundary, List<Part> parts)
    {
        _delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        _parts = parts;
    }

    /// <summary>
    /// The boundary of a Content-Type value (lua-multipart's <c>;%s*boundary=(%S+)</c>, one level of
    /// quotes removed), or null when it has none.
    /// </summary>
    public static string? Boundary(string contentType)
    {
        var match = BoundaryPattern().Match(contentType);
        if (!match.Success)
        {
            return null;
        }

        var boundary = match.Groups[1].Value;
        if (boundary.Length >= 2 && (boundary[0] == '"' || boundary[0] == '\'') && boundary[^1] == boundary[0])
        {
            boundary = boundary[1..^1];
        }

        return boundary.Length == 0 ? null : boundary;
    }

    /// <summary>Splits a body into its parts (an empty body has none).</summary>
    public static MultipartBody Parse(ReadOnlyMemory<byte> body, string boundary)
    {
        var parts = new List<Part>();
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var span = body.Span;
        var start = FindDelimiter(span, delimiter, 0);
        while (start >= 0)
        {
            var afterDelimiter = start + delimiter.Length;
            if (span[afterDelimiter..].StartsWith("--"u8))
            {
                break;
            }

            var lineEnd = span[afterDelimiter..].IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                break;
            }

            var partStart = afterDelimiter + lineEnd + 1;
            var next = FindDelimiter(span, delimiter, partStart);
            var partEnd = next < 0 ? span.Length : next;

            // The line break before the next delimiter belongs to the delimiter.
            if (partEnd > partStart && span[partEnd - 1] == '\n')
            {
                partEnd--;
                if (partEnd > partStart && span[partEnd - 1] == '\r')
                {
                    partEnd--;
                }
            }

            if (Part.Read(body[partStart..partEnd]) is { } part)
            {
                parts.Add(part);
            }

            start = next;
        }

        return new MultipartBody(boundary, parts);
    }

    /// <summary>The value of the first part with that name, or null.</summary>
    public ReadOnlyMemory<byte>? Get(string name) => _parts.Find(p => p.Name == name)?.Value;

    /// <summary>Removes every part with that name; whether there was one.</summary>
    public bool Delete(string name) => _parts.RemoveAll(p => p.Name == name) > 0;

    /// <summary>Sets a plain text part: the first part of that name is replaced where it is, otherwise one is added at the end.</summary>
    public void SetSimple(string name, ReadOnlyMemory<byte> value)
    {
        var part = new Part(name, [$"Content-Disposition: form-data; name=\"{name}\""], value);
        var index = _parts.FindIndex(p => p.Name == name);
        if (index >= 0)
        {
            _parts[index] = part;
        }
        else
        {
            _parts.Add(part);
        }
    }

    /// <summary>The body, written as lua-multipart writes it.</summary>
    public byte[] ToBytes()
    {
        if (_parts.Count == 0)
        {
            return [];
        }

        using var output = new MemoryStream();
        foreach (var part in _parts)
        {
            output.Write(_delimiter);
            output.Write("\r\n"u8);
            foreach (var header in part.Headers)
            {
                output.Write(Encoding.UTF8.GetBytes(header));
                output.Write("\r\n"u8);
            }

            output.Write("\r\n"u8);
            output.Write(part.Value.Span);
            output.Write("\r\n"u8);
        }

        output.Write(_delimiter);
        output.Write("--\r\n"u8);
        return output.ToArray();
    }

    /// <summary>The next delimiter that starts a line, at or after <paramref name="from"/>.</summary>
    private static int FindDelimiter(ReadOnlySpan<byte> body, byte[] delimiter, int from)
    {
        while (from <= body.Length)
        {
            var found = body[from..].IndexOf(delimiter);
            if (found < 0)
            {
                return -1;
            }

            var at = from + found;
            if (at == 0 || body[at - 1] == '\n')
            {
                return at;
            }

            from = at + 1;
        }

        return -1;
    }

    [GeneratedRegex(@";\s*boundary=(\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryPattern();

    [GeneratedRegex("""(?:^|;)\s*name="?([^";]*)"?""", RegexOptions.IgnoreCase)]
    private static partial Regex NamePattern();

    private sealed record Part(string Name, string[] Headers, ReadOnlyMemory<byte> Value)
    {
        /// <summary>A part's header lines and value; null when it has no Content-Disposition name.</summary>
        public static Part? Read(ReadOnlyMemory<byte> raw)
        {
            var span = raw.Span;
            var blank = span.IndexOf("\r\n\r\n"u8);
            var (headerEnd, valueStart) = blank >= 0 ? (blank, blank + 4)
                : span.StartsWith("\r\n"u8) ? (0, 2)
                : (span.Length, span.Length);
            var headers = Encoding.UTF8.GetString(span[..headerEnd]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            string? name = null;
            foreach (var header in headers)
            {
                var colon = header.IndexOf(':');
                if (colon > 0 && header[..colon].Trim().Equals("Content-Disposition", StringComparison.OrdinalIgnoreCase)
                    && NamePattern().Match(header[(colon + 1)..]) is { Success: true } match)
                {
                    name = match.Groups[1].Value;
                }
            }

            return name is null ? null : new Part(name, headers, raw[valueStart..]);
        }
    }
}

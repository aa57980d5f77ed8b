using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Node.Admin;

/// <summary>The first HTTP/1.1 response in the bytes a server sent: status, headers, and the body as the framing delimits it.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Headers">The header fields, names case-insensitive.</param>
/// <param name="Body">The body, chunked framing removed.</param>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body as JSON.</summary>
    public JsonNode? Json => JsonNode.Parse(Body);

    /// <summary>Whether <paramref name="bytes"/> hold a whole response: its head, and the body its framing announces.</summary>
    public static bool IsComplete(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var head = text[..headEnd];
        var rest = text[(headEnd + 4)..];
        var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return length is not null
            ? Encoding.UTF8.GetByteCount(rest) >= int.Parse(length["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture)
            : head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) && rest.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    /// <summary>Parses the first response of <paramref name="bytes"/>.</summary>
    public static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headEnd > 0, $"no complete response head in {text.Length} bytes: {text[..Math.Min(text.Length, 200)]}");
        var lines = text[..headEnd].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        var rest = text[(headEnd + 4)..];
        var body = headers.TryGetValue("Transfer-Encoding", out var coding) && coding == "chunked" ? Unchunk(rest)
            : headers.TryGetValue("Content-Length", out var length) ? rest[..int.Parse(length, CultureInfo.InvariantCulture)]
            : rest;
        return new RawResponse(status, headers, body);
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = int.Parse(chunked[position..lineEnd], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }

            // The test bodies are ASCII, so a chunk's byte count is its character count.
            body.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>
/// A request body as Kong's <c>kong.request.get_body</c> reads it: URL-encoded form, JSON object, or
/// multipart form. Kong's body values are a string, a table (a repeated name, a JSON array or object)
/// or something else (a bare form name, a JSON number); <see cref="Find"/> says which.
/// </summary>
public sealed class FormBody
{
    private readonly QueryArgs? _form;
    private readonly JsonObject? _json;
    private readonly List<Part>? _parts;
    private readonly string? _boundary;

    private FormBody(QueryArgs? form, JsonObject? json, List<Part>? parts, string? boundary)
    {
        _form = form;
        _json = json;
        _parts = parts;
        _boundary = boundary;
    }

    /// <summary>What a body holds under a name.</summary>
    public enum Kind
    {
        /// <summary>Nothing, or a value that is neither a string nor a table.</summary>
        None,

        /// <summary>One string.</summary>
        String,

        /// <summary>Several values (Kong's table).</summary>
        Table,
    }

    /// <summary>Parses a body of a content type Kong reads; null for any other type or a body that does not parse.</summary>
    public static async Task<FormBody?> ParseAsync(byte[] body, string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        var type = media.MediaType.Value?.ToLowerInvariant();
        try
        {
            switch (type)
            {
                case "application/x-www-form-urlencoded":
                    return new FormBody(QueryArgs.ParseForm(Encoding.UTF8.GetString(body)), null, null, null);
                case "application/json":
                    return JsonNode.Parse(body) is JsonObject json ? new FormBody(null, json, null, null) : null;
                case "multipart/form-data":
                    var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
                    return boundary is null ? null : new FormBody(null, null, await PartsAsync(body, boundary), boundary);
                default:
                    return null;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidDataException or UriFormatException)
        {
            return null;
        }
    }

    /// <summary>What the body holds under <paramref name="name"/>, and the string when it is one.</summary>
    public (Kind Kind, string? Value) Find(string name)
    {
        if (_json is not null)
        {
            return _json[name] switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String => (Kind.String, v.GetValue<string>()),
                JsonArray or JsonObject => (Kind.Table, null),
                _ => (Kind.None, null),
            };
        }

        IReadOnlyList<string?> values = _form is not null
            ? _form.Get(name)
            : [.. _parts!.Where(p => p.Name == name).Select(p => (string?)p.Text)];
        return values.Count switch
        {
            0 => (Kind.None, null),
            1 => values[0] is { } value ? (Kind.String, value) : (Kind.None, null),
            _ => (Kind.Table, null),
        };
    }

    /// <summary>The body without the fields named <paramref name="name"/>, encoded as it came.</summary>
    public byte[] Without(string name)
    {
        if (_json is not null)
        {
            var copy = _json.DeepClone().AsObject();
            copy.Remove(name);
            return Encoding.UTF8.GetBytes(copy.ToJsonString());
        }

        if (_form is not null)
        {
            return Encoding.UTF8.GetBytes(_form.Without(name).Encode(QueryArgsEncoding.InOrder));
        }

        using var output = new MemoryStream();
        foreach (var part in _parts!.Where(p => p.Name != name))
        {
            Write(output, $"--{_boundary}\r\n{part.Headers}\r\n\r\n");
            output.Write(part.Body);
            Write(output, "\r\n");
        }

        Write(output, $"--{_boundary}--\r\n");
        return output.ToArray();
    }

    private static async Task<List<Part>> PartsAsync(byte[] body, string boundary)
    {
        var parts = new List<Part>();
        var reader = new MultipartReader(boundary, new MemoryStream(body));
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var content = new MemoryStream();
            await section.Body.CopyToAsync(content);
            var disposition = section.GetContentDispositionHeader();
            var name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value;
            var headers = string.Join("\r\n", (section.Headers ?? []).Select(h => $"{h.Key}: {h.Value}"));
            parts.Add(new Part(name, headers, content.ToArray()));
        }

        return parts;
    }

    private static void Write(Stream stream, string text) => stream.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>One multipart section: its field name, its header lines and its content.</summary>
    private sealed record Part(string? Name, string Headers, byte[] Body)
    {
        /// <summary>The content as text (file parts included, as Kong reads them).</summary>
        public string Text => Encoding.UTF8.GetString(Body);
    }
}

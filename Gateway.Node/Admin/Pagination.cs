using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>Kong's paging arguments (<c>size</c>, <c>offset</c>, <c>tags</c>) and its <c>{data, offset, next}</c> pages.</summary>
public static class Pagination
{
    /// <summary>Rows per page when <c>size</c> is absent.</summary>
    public const int DefaultSize = 100;

    /// <summary>The largest <c>size</c> accepted.</summary>
    public const int MaxSize = 1000;

    private const int MaxTags = 5;

    /// <summary>Reads size, offset and the tags filter.</summary>
    /// <exception cref="AdminException">Kong's code 9 or code 11 errors.</exception>
    public static ListQuery Parse(IQueryCollection query)
    {
        var size = DefaultSize;
        if (query.TryGetValue("size", out var sizeText))
        {
            if (!double.TryParse(sizeText.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var requested))
            {
                throw AdminException.Kong(KongError.InvalidSize, "size must be a number");
            }

            if (requested != Math.Floor(requested) || requested < 1 || requested > MaxSize)
            {
                throw AdminException.Kong(KongError.InvalidSize, $"size must be an integer between 1 and {MaxSize}");
            }

            size = (int)requested;
        }

        var offset = query.TryGetValue("offset", out var offsetText) ? offsetText.ToString() : null;
        return new ListQuery(size, string.IsNullOrEmpty(offset) ? null : offset, ParseTags(query));
    }

    /// <summary>Kong's tags filter: <c>a,b</c> is AND, <c>a/b</c> is OR; mixing them is refused.</summary>
    public static TagFilter? ParseTags(IQueryCollection query)
    {
        if (!query.TryGetValue("tags", out var value) || string.IsNullOrEmpty(value.ToString()))
        {
            return null;
        }

        var text = value.ToString();
        var hasAnd = text.Contains(',');
        var hasOr = text.Contains('/');
        if (hasAnd && hasOr)
        {
            throw InvalidTags("invalid filter syntax");
        }

        var tags = text.Split(hasOr ? '/' : ',');
        if (tags.Length > MaxTags)
        {
            throw InvalidTags($"cannot query more than {MaxTags} tags");
        }

        // A NUL cannot be in a tag (nor in PostgreSQL's text, which would fail the query).
        if (tags.Any(t => t.Length == 0 || t.Contains('\0', StringComparison.Ordinal)))
        {
            throw InvalidTags("invalid filter syntax");
        }

        return new TagFilter(tags, MatchAll: !hasOr);
    }

    private static AdminException InvalidTags(string reason) =>
        AdminException.Kong(KongError.InvalidOptions, $"invalid option (tags: {reason})", new JsonObject { ["tags"] = reason });

    /// <summary>
    /// Builds <c>{"data":[...],"offset":"...","next":"/path?offset=...&amp;size=..."}</c>; the last page has <c>next: null</c>
    /// and no offset. <c>next</c> keeps the query's <paramref name="kept"/> arguments (default size and tags).
    /// </summary>
    public static JsonObject Render(HttpRequest request, IEnumerable<JsonNode> data, string? offset, IReadOnlyList<string>? kept = null)
    {
        var page = new JsonObject { ["data"] = new JsonArray([.. data.Select(d => d.DeepClone())]) };
        if (offset is null)
        {
            page["next"] = null;
            return page;
        }

        page["offset"] = offset;
        var next = new StringBuilder(request.PathBase + request.Path).Append("?offset=").Append(Uri.EscapeDataString(offset));
        foreach (var name in kept ?? ["size", "tags"])
        {
            if (request.Query.TryGetValue(name, out var value))
            {
                next.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value.ToString()));
            }
        }

        page["next"] = next.ToString();
        return page;
    }
}

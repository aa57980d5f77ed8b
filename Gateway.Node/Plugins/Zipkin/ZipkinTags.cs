using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Plugins.Zipkin;

/// <summary>
/// Kong's request_tags.lua: the <c>tags_header</c> header holds <c>name=value</c> pairs separated by ';'
/// (<c>Zipkin-Tags: foo=bar; baz=qux</c>); a repeated header adds each line's. A pair reads as Lua's
/// <c>^%s*(%S+)%s*=%s*(.*%S)%s*$</c>: the name runs to the last '=' that leaves a non-empty value, spaces around
/// both trimmed. Empty items are skipped; items that do not parse are reported and the others kept.
/// </summary>
internal static class ZipkinTags
{
    /// <summary>The tags of every value of the header; <paramref name="errors"/> lists the items that did not parse.</summary>
    public static Dictionary<string, string>? Parse(StringValues values, List<string> errors)
    {
        Dictionary<string, string>? tags = null;
        foreach (var value in values)
        {
            foreach (var item in (value ?? "").Split(';'))
            {
                if (item.Length == 0)
                {
                    continue;
                }

                if (TryParse(item, out var name, out var tag))
                {
                    (tags ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = tag;
                }
                else
                {
                    errors.Add(item);
                }
            }
        }

        return tags;
    }

    /// <summary>One <c>name=value</c> item, as the Lua pattern reads it (greedy name first).</summary>
    public static bool TryParse(string item, out string name, out string value)
    {
        name = value = "";
        var start = 0;
        while (start < item.Length && IsSpace(item[start]))
        {
            start++;
        }

        // The name is made of non-space characters: at most the run that starts here.
        var run = start;
        while (run < item.Length && !IsSpace(item[run]))
        {
            run++;
        }

        if (run == start)
        {
            return false;
        }

        // The whole run, then spaces and '='.
        var after = run;
        while (after < item.Length && IsSpace(item[after]))
        {
            after++;
        }

        if (after < item.Length && item[after] == '=' && Value(item, after + 1) is { } whole)
        {
            (name, value) = (item[start..run], whole);
            return true;
        }

        // Else the longest part of the run that ends right before one of its own '='.
        for (var equals = run - 1; equals > start; equals--)
        {
            if (item[equals] == '=' && Value(item, equals + 1) is { } part)
            {
                (name, value) = (item[start..equals], part);
                return true;
            }
        }

        return false;
    }

    /// <summary>What follows the '=', spaces trimmed on both sides; null when nothing is left.</summary>
    private static string? Value(string item, int from)
    {
        var end = item.Length;
        while (from < end && IsSpace(item[from]))
        {
            from++;
        }

        while (end > from && IsSpace(item[end - 1]))
        {
            end--;
        }

        return end > from ? item[from..end] : null;
    }

    /// <summary>Lua's <c>%s</c>: space, tab, newline, vertical tab, form feed, carriage return.</summary>
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}

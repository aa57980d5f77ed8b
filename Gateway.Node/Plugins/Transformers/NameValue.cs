namespace Gateway.Node.Plugins.Transformers;

/// <summary>
/// A transformer entry split as Kong's transformers do (<c>^([^:]+):*(.-)$</c>): the name up to the
/// first colon, then any further colons skipped, the rest the value ("" when none).
/// </summary>
public readonly record struct NameValue(string Name, string Value)
{
    /// <summary>Splits one entry.</summary>
    public static NameValue Parse(string entry)
    {
        var colon = entry.IndexOf(':');
        if (colon < 0)
        {
            return new NameValue(entry, "");
        }

        var valueStart = colon;
        while (valueStart < entry.Length && entry[valueStart] == ':')
        {
            valueStart++;
        }

        return new NameValue(entry[..colon], entry[valueStart..]);
    }

    /// <summary>Splits every entry.</summary>
    public static NameValue[] ParseAll(IEnumerable<string>? entries) => [.. (entries ?? []).Select(Parse)];
}

using Gateway.Node.Plugins.Transformers;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>A request-transformer config's entries split into names and compiled templates.</summary>
public sealed record RequestTransformerPlan(
    string[] RemoveHeaders,
    (string Old, string New)[] RenameHeaders,
    (string Name, TransformerTemplate Value)[] ReplaceHeaders,
    (string Name, TransformerTemplate Value)[] AddHeaders,
    (string Name, TransformerTemplate Value)[] AppendHeaders,
    string[] RemoveQuery,
    (string Old, string New)[] RenameQuery,
    (string Name, TransformerTemplate Value)[] ReplaceQuery,
    (string Name, TransformerTemplate Value)[] AddQuery,
    (string Name, TransformerTemplate Value)[] AppendQuery,
    string[] RemoveBody,
    (string Old, string New)[] RenameBody,
    (string Name, TransformerTemplate Value)[] ReplaceBody,
    (string Name, TransformerTemplate Value)[] AddBody,
    (string Name, TransformerTemplate Value)[] AppendBody,
    TransformerTemplate? Uri)
{
    /// <summary>Whether any query string change is configured.</summary>
    public bool ChangesQuery => RemoveQuery.Length + RenameQuery.Length + ReplaceQuery.Length + AddQuery.Length + AppendQuery.Length > 0;

    /// <summary>Whether any body change is configured.</summary>
    public bool ChangesBody => RemoveBody.Length + RenameBody.Length + ReplaceBody.Length + AddBody.Length + AppendBody.Length > 0;

    /// <summary>Whether a header entry's template reads the request headers.</summary>
    public bool HeaderTemplatesUseHeaders { get; } = ReplaceHeaders.Concat(AddHeaders).Concat(AppendHeaders).Any(e => e.Value.UsesHeaders);

    /// <summary>Builds the plan of a config.</summary>
    public static RequestTransformerPlan From(RequestTransformerConfig config) => new(
        config.Remove.Headers,
        Renames(config.Rename.Headers),
        Values(config.Replace.Headers),
        Values(config.Add.Headers),
        Values(config.Append.Headers),
        config.Remove.Querystring,
        Renames(config.Rename.Querystring),
        Values(config.Replace.Querystring),
        Values(config.Add.Querystring),
        Values(config.Append.Querystring),
        config.Remove.Body,
        Renames(config.Rename.Body),
        Values(config.Replace.Body),
        Values(config.Add.Body),
        Values(config.Append.Body),
        config.Replace.Uri is { Length: > 0 } uri ? TransformerTemplate.Parse(uri) : null);

    private static (string, string)[] Renames(string[] entries) =>
        [.. NameValue.ParseAll(entries).Select(p => (p.Name, p.Value))];

    private static (string, TransformerTemplate)[] Values(string[] entries) =>
        [.. NameValue.ParseAll(entries).Select(p => (p.Name, TransformerTemplate.Parse(p.Value)))];
}

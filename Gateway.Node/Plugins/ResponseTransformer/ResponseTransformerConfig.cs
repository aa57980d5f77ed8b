using Gateway.Node.Plugins.Transformers;

namespace Gateway.Node.Plugins.ResponseTransformer;

/// <summary>The response-transformer config (see <see cref="ResponseTransformerSchema"/>).</summary>
public sealed record ResponseTransformerConfig(
    ResponseTransformerConfig.Names Remove,
    ResponseTransformerConfig.Pairs Rename,
    ResponseTransformerConfig.TypedPairs Replace,
    ResponseTransformerConfig.TypedPairs Add,
    ResponseTransformerConfig.TypedPairs Append)
{
    /// <summary>The "name:value" entries split once: rename, replace, add and append, headers then json.</summary>
    public Split Entries { get; init; } = Split.Empty;

    /// <summary>Whether any JSON body change is configured (Kong's is_body_transform_set).</summary>
    public bool ChangesBody => Remove.Json.Length + Rename.Json.Length + Replace.Json.Length + Add.Json.Length + Append.Json.Length > 0;

    /// <summary>The entries of a config, split.</summary>
    public sealed record Split(
        NameValue[] RenameHeaders,
        NameValue[] ReplaceHeaders,
        NameValue[] AddHeaders,
        NameValue[] AppendHeaders,
        NameValue[] RenameJson,
        NameValue[] ReplaceJson,
        NameValue[] AddJson,
        NameValue[] AppendJson)
    {
        /// <summary>No entries.</summary>
        public static readonly Split Empty = new([], [], [], [], [], [], [], []);
    }

    /// <summary>Names to remove.</summary>
    public sealed record Names(string[] Json, string[] Headers);

    /// <summary>"old:new" renames.</summary>
    public sealed record Pairs(string[] Json, string[] Headers);

    /// <summary>"name:value" entries, with the JSON type of each json value in order.</summary>
    public sealed record TypedPairs(string[] Json, string[] JsonTypes, string[] Headers);
}

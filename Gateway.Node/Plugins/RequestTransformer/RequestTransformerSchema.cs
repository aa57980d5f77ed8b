using Gateway.Schema;
using static Gateway.Node.Plugins.Transformers.TransformerFields;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>The request-transformer plugin's config (Kong 3.9 kong/plugins/request-transformer/schema.lua).</summary>
public static class RequestTransformerSchema
{
    /// <summary>Kong's request-transformer handler PRIORITY.</summary>
    public const int Priority = 801;

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("request-transformer", Priority, Record("config", "The request-transformer settings.",
        HttpMethod("http_method", "A method to change the upstream request's method to."),
        Record("remove", "Parts to remove.",
            Names("body", "Body parameter names to remove."),
            HeaderNames("headers", "Header names to remove."),
            Names("querystring", "Query string parameter names to remove.")),
        Record("rename", "Parts to rename, as \"old:new\".",
            Pairs("body", "Body parameters to rename."),
            RenameHeaders("headers", "Headers to rename."),
            Pairs("querystring", "Query string parameters to rename.")),
        Record("replace", "Parts to replace when present, as \"name:value\".",
            Pairs("body", "Body parameters to replace."),
            HeaderPairs("headers", "Headers to replace."),
            Pairs("querystring", "Query string parameters to replace."),
            Str("uri", "A path that replaces the upstream request's path.")),
        Record("add", "Parts to add when absent, as \"name:value\".",
            Pairs("body", "Body parameters to add."),
            HeaderPairs("headers", "Headers to add."),
            Pairs("querystring", "Query string parameters to add.")),
        Record("append", "Values to append, as \"name:value\".",
            Pairs("body", "Body parameters to append."),
            HeaderPairs("headers", "Headers to append."),
            Pairs("querystring", "Query string parameters to append."))));
}

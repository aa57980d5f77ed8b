using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>
/// The query arguments templates read, as Kong's lazily loaded <c>query_params</c>
/// (kong.request.get_query): parsed from the query as it stands the first time a template asks, so
/// arguments http_method moved from a form body are there, and a bare flag renders as Lua's "true".
/// </summary>
public static class TemplateQuery
{
    private static readonly object Key = new();

    /// <summary>Forgets the parsed query: each run of the plugin has its own template environment, as in Kong.</summary>
    public static void Reset(PluginContext context) => context.Http.Items.Remove(Key);

    /// <summary>The value of an argument as a template renders it, or null when absent.</summary>
    public static string? Get(PluginContext context, string name)
    {
        var items = context.Http.Items;
        if (!items.TryGetValue(Key, out var saved) || saved is not QueryArgs args)
        {
            args = QueryArgs.Parse(context.UpstreamQuery);
            items[Key] = args;
        }

        return args.Get(name) switch
        {
            [] => null,
            [var one] => one ?? "true",
            var many => string.Join(',', many.Select(v => v ?? "true")),
        };
    }
}

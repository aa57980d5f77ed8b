using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Http;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>
/// The request headers templates read, as Kong's lazily loaded <c>headers</c> of the template
/// environment: a copy taken the first time a template asks for it (or when the header step starts,
/// for configs whose header templates read headers, since Kong applies header removals only at the
/// end of that step). So a header removed or replaced by this plugin still renders with the value the
/// client sent, as Kong's "removed header can be used as template" spec says.
/// </summary>
public static class TemplateHeaders
{
    private static readonly object Key = new();

    /// <summary>Forgets the copy: each run of the plugin has its own template environment, as in Kong.</summary>
    public static void Reset(PluginContext context) => context.Http.Items.Remove(Key);

    /// <summary>Takes the copy now, unless it was taken already.</summary>
    public static void Snapshot(PluginContext context) => Get(context);

    /// <summary>The copy, taken now if it was not yet.</summary>
    public static IHeaderDictionary Get(PluginContext context)
    {
        var items = context.Http.Items;
        if (items.TryGetValue(Key, out var saved) && saved is IHeaderDictionary headers)
        {
            return headers;
        }

        var copy = new HeaderDictionary();
        foreach (var (name, value) in context.Http.Request.Headers)
        {
            copy[name] = value;
        }

        items[Key] = copy;
        return copy;
    }
}

using System.Globalization;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>What a <see cref="PathTemplate"/> reads from the client request: captures, query, headers and the consumer.</summary>
/// <param name="context">The client request, after the access phase of the plugins before the aggregate.</param>
public sealed class TemplateValues(PluginContext context)
{
    /// <summary>The authenticated consumer's id, if any.</summary>
    public string? ConsumerId => context.ConsumerId;

    /// <summary>The authenticated consumer's username, if any.</summary>
    public string? ConsumerUsername => context.Consumer?["username"]?.GetValue<string>();

    /// <summary>A named capture of the route's regex path, or a numbered one (<c>{uri_captures.1}</c>).</summary>
    public string? Capture(string name) =>
        context.NamedUriCaptures.TryGetValue(name, out var named) ? named
        : int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < context.UriCaptures.Count ? context.UriCaptures[index]
        : null;

    /// <summary>The first value of a query argument.</summary>
    public string? Query(string name) => context.Http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>A request header's values, comma-joined.</summary>
    public string? Header(string name) => context.Http.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;
}

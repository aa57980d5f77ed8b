using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.ProxyCache;

/// <summary>
/// Kong's proxy-cache Admin API (kong/plugins/proxy-cache/api.lua), on this node's dicts: <c>DELETE /proxy-cache</c>
/// empties the dict of every proxy-cache row (204); <c>GET</c> and <c>DELETE /proxy-cache/{key}</c> find the key in
/// any row's dict (200 with the stored value, or 204; 404 when no dict holds it);
/// <c>GET</c> and <c>DELETE /proxy-cache/{plugin_id}/caches/{key}</c> look only in that row's (404 for an unknown row or key).
/// </summary>
internal static class ProxyCacheApi
{
    private static readonly JsonObject NotFound = new() { ["message"] = "Not found" };

    /// <summary>The routes, over the node's dicts (made on first use).</summary>
    public static IReadOnlyList<PluginAdminRoute> Routes(Func<MemoryDictionaries> dictionaries) =>
    [
        new("/proxy-cache", new Dictionary<string, Func<PluginAdminRequest, ValueTask<PluginAdminAnswer>>>
        {
            ["DELETE"] = request =>
            {
                foreach (var dictionary in DictionariesOf(request.Rows, dictionaries()))
                {
                    dictionary.Flush();
                }

                return Answer(204);
            },
        }),
        new("/proxy-cache/:cache_key", new Dictionary<string, Func<PluginAdminRequest, ValueTask<PluginAdminAnswer>>>
        {
            ["GET"] = request => Get(DictionariesOf(request.Rows, dictionaries()), request.Parameters["cache_key"]),
            ["DELETE"] = request => Delete(DictionariesOf(request.Rows, dictionaries()), request.Parameters["cache_key"]),
        }),
        new("/proxy-cache/:plugin_id/caches/:cache_key", new Dictionary<string, Func<PluginAdminRequest, ValueTask<PluginAdminAnswer>>>
        {
            ["GET"] = request => Get(DictionariesOf(RowOf(request), dictionaries()), request.Parameters["cache_key"]),
            ["DELETE"] = request => Delete(DictionariesOf(RowOf(request), dictionaries()), request.Parameters["cache_key"]),
        }),
    ];

    private static ValueTask<PluginAdminAnswer> Get(IEnumerable<MemoryDictionary> dictionaries, string key)
    {
        foreach (var dictionary in dictionaries)
        {
            if (dictionary.Fetch(key) is { } cached)
            {
                return Answer(200, cached.ToJson());
            }
        }

        return Answer(404, NotFound.DeepClone());
    }

    private static ValueTask<PluginAdminAnswer> Delete(IEnumerable<MemoryDictionary> dictionaries, string key)
    {
        foreach (var dictionary in dictionaries)
        {
            if (dictionary.Purge(key))
            {
                return Answer(204);
            }
        }

        return Answer(404, NotFound.DeepClone());
    }

    /// <summary>The dicts of the rows' memory strategies, each once.</summary>
    private static IEnumerable<MemoryDictionary> DictionariesOf(IEnumerable<JsonObject> rows, MemoryDictionaries dictionaries) =>
        rows.Select(row => row["config"])
            .Where(config => config?["strategy"]?.GetValue<string>() == "memory")
            .Select(config => config!["memory"]?["dictionary_name"]?.GetValue<string>())
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(dictionaries.For);

    /// <summary>The row <c>:plugin_id</c> names, or none.</summary>
    private static IEnumerable<JsonObject> RowOf(PluginAdminRequest request) =>
        request.Rows.Where(row => row["id"]?.GetValue<string>() == request.Parameters["plugin_id"]).Take(1);

    private static ValueTask<PluginAdminAnswer> Answer(int status, JsonNode? body = null) => ValueTask.FromResult(new PluginAdminAnswer(status, body));
}

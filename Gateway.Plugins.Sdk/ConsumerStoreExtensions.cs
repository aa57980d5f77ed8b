using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Plugins.Sdk;

/// <summary>Look-ups auth plugins share, built on <see cref="IConsumerStore"/>.</summary>
public static class ConsumerStoreExtensions
{
    /// <summary>
    /// Kong's <c>kong.client.load_consumer</c>: the consumer whose id is <paramref name="idOrUsername"/>
    /// (when it is a UUID), else, when <paramref name="searchByUsername"/>, the one with that username; null when none.
    /// </summary>
    public static async Task<JsonObject?> LoadConsumerAsync(this IConsumerStore store, string idOrUsername, bool searchByUsername = false)
    {
        if (Typedefs.IsUuid(idOrUsername) && await store.FindAsync("consumers", "id", idOrUsername) is { } byId)
        {
            return byId;
        }

        return searchByUsername ? await store.FindAsync("consumers", "username", idOrUsername) : null;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Gateway.Storage.Declarative;

/// <summary>
/// Name-based UUIDs (RFC 4122 version 5), as Kong's declarative loader generates ids for entities a
/// file leaves without one: the same file always yields the same ids, so reloading it, importing it
/// twice or syncing it to several clusters never creates a second copy of an entity.
/// </summary>
public static class DeterministicUuid
{
    /// <summary>The namespace Kong derives its per-entity namespaces from (declarative_config.lua).</summary>
    public const string EntitiesNamespace = "fd02801f-0957-4a15-a55a-c8d9606f30b5";

    /// <summary>The id Kong gives an entity of type <paramref name="entity"/> whose key is <paramref name="key"/>.</summary>
    public static string ForEntity(string entity, string key) => Create(Create(EntitiesNamespace, entity), key);

    /// <summary>A version 5 UUID of <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    public static string Create(string namespaceId, string name)
    {
        var ns = Guid.Parse(namespaceId).ToByteArray(bigEndian: true);
        var bytes = new byte[ns.Length + Encoding.UTF8.GetByteCount(name)];
        ns.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(name, bytes.AsSpan(ns.Length));
        var hash = SHA1.HashData(bytes);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}

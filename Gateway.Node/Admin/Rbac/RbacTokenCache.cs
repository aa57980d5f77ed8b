using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Node.Admin.Rbac;

/// <summary>
/// Tokens verified recently, so that an authenticated request costs no bcrypt after the first: by the token's
/// SHA-256 (its first 128 bits, as a number: no string per request), the user it verified as and the hash it verified against, for <see cref="Lifetime"/> (Kong: 60 s).
/// A hit counts only while that user still has that hash, so a changed token or a deleted user is verified again.
/// </summary>
/// <param name="time">The clock.</param>
/// <param name="capacity">How many tokens are kept; past it the cache starts again empty.</param>
public sealed class RbacTokenCache(TimeProvider time, int capacity = 10_000)
{
    /// <summary>How long a verification is reused.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<UInt128, Entry> _entries = new();

    /// <summary>The account <paramref name="token"/> verified as, if it did lately and that account still has the hash it verified against.</summary>
    public RbacAccount? Find(string token, RbacDirectory directory)
    {
        var key = Key(token);
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (time.GetUtcNow() < entry.Expires && directory.Find(entry.UserId) is { } account && account.TokenHash == entry.Hash)
        {
            return account;
        }

        _entries.TryRemove(key, out _);
        return null;
    }

    /// <summary>Remembers that <paramref name="token"/> verified as <paramref name="account"/>.</summary>
    public void Add(string token, RbacAccount account)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[Key(token)] = new Entry(account.User.Id, account.TokenHash, time.GetUtcNow() + Lifetime);
    }

    private static UInt128 Key(string token)
    {
        var length = Encoding.UTF8.GetMaxByteCount(token.Length);
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    private readonly record struct Entry(string UserId, string Hash, DateTimeOffset Expires);
}

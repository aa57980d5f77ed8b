using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Node.Plugins.Session;

/// <summary>
/// One session: who it authenticates and its clock. Sealed, it is base64url(version | nonce | tag | AES-256-GCM
/// ciphertext of this record's JSON), keyed by <see cref="SessionConfig.Key"/> and bound by
/// <see cref="SessionSlot.Binding"/>: nothing in it can be read or changed without the secret. The cookie carries it
/// with storage <c>cookie</c>, a <see cref="SessionRows"/> row with storage <c>kong</c>. Not byte-compatible with
/// lua-resty-session's cookies: a Kong node's sessions do not open here.
/// </summary>
/// <param name="Id">The session id (random, new on every renewal).</param>
/// <param name="Consumer">The consumer's id.</param>
/// <param name="Credential">The credential's id (the consumer's id when there was none).</param>
/// <param name="Groups">The authenticated groups, if an auth plugin set any.</param>
/// <param name="Subject">The consumer's username, custom_id or id.</param>
/// <param name="CreatedAt">When the session began (absolute timeout), Unix seconds.</param>
/// <param name="RenewedAt">When it was last renewed (rolling timeout).</param>
/// <param name="TouchedAt">When it was last used and re-sent (idling timeout).</param>
public sealed record SessionCookie(
    [property: JsonPropertyName("sid")] string Id,
    [property: JsonPropertyName("c")] string Consumer,
    [property: JsonPropertyName("k")] string Credential,
    [property: JsonPropertyName("g")] IReadOnlyList<string>? Groups,
    [property: JsonPropertyName("sub")] string Subject,
    [property: JsonPropertyName("iat")] long CreatedAt,
    [property: JsonPropertyName("rat")] long RenewedAt,
    [property: JsonPropertyName("tat")] long TouchedAt)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>The length of a session id: 32 random bytes in base64url.</summary>
    public const int IdLength = 43;

    /// <summary>A cookie longer than browsers keep (4096 bytes for name and value) is no session of ours.</summary>
    private const int MaxLength = 4096;

    /// <summary>A new session for the consumer, begun now.</summary>
    public static SessionCookie Start(string consumer, string credential, IReadOnlyList<string>? groups, string subject, long now) =>
        new(NewId(), consumer, credential, groups, subject, now, now, now);

    /// <summary>A random session id: 32 bytes, base64url.</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The sealed session.</summary>
    public string Seal(byte[] key, SessionSlot slot)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(this);
        var sealedBytes = new byte[1 + NonceSize + TagSize + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), slot.Binding);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The session sealed in <paramref name="value"/>; null when it is not one sealed for this key and slot (tampered, other secret, garbage).</summary>
    public static SessionCookie? Open(string value, byte[] key, SessionSlot slot)
    {
        if (value.Length is 0 or > MaxLength || !Base64Url.IsValid(value))
        {
            return null;
        }

        var sealedBytes = Base64Url.DecodeFromChars(value);
        if (sealedBytes.Length <= 1 + NonceSize + TagSize || sealedBytes[0] != Version)
        {
            return null;
        }

        var plain = new byte[sealedBytes.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(1, NonceSize), sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), plain, slot.Binding);
            return JsonSerializer.Deserialize<SessionCookie>(plain);
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Seconds left of a timeout counted from <paramref name="since"/>; a zero timeout never ends.</summary>
    public static double Remaining(double timeout, long since, long now) => timeout > 0 ? since + timeout - now : double.PositiveInfinity;
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>
/// Kong Enterprise's record signature (audit_log_signing_key): RSA SHA-256 with PKCS#1 v1.5 padding, base64, over
/// <see cref="CanonicalMessage"/>, so <c>openssl dgst -sha256 -verify public.pem -signature sig msg.txt</c> says
/// <c>Verified OK</c>. The message covers our chain fields (<c>sequence</c>, <c>hash</c>) as any other field.
/// </summary>
public sealed class AuditSigner : IDisposable
{
    /// <summary>Fields no signature covers: itself, the computed ttl, and the timestamp Kong's database adds after signing.</summary>
    private static readonly HashSet<string> Unsigned = ["signature", "ttl", "request_timestamp"];

    private readonly RSA _key;

    private AuditSigner(RSA key) => _key = key;

    /// <summary>The public half as a key of its own (the caller disposes it).</summary>
    public RSA CreatePublicKey()
    {
        var key = RSA.Create();
        key.ImportSubjectPublicKeyInfo(_key.ExportSubjectPublicKeyInfo(), out _);
        return key;
    }

    /// <summary>Loads an RSA private key from PEM text; throws <see cref="FormatException"/> when it holds none.</summary>
    public static AuditSigner FromPem(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            _ = rsa.ExportParameters(includePrivateParameters: true);
            return new AuditSigner(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new FormatException("holds no RSA private key in PEM form", ex);
        }
    }

    /// <summary>
    /// The signed text: the record's non-null values ordered by field name (ordinal), joined with <c>|</c>, nested
    /// objects and arrays the same way in place, without <c>signature</c>, <c>ttl</c> and <c>request_timestamp</c>.
    /// </summary>
    public static string CanonicalMessage(JsonObject record)
    {
        var parts = new List<string>();
        foreach (var (name, value) in record.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!Unsigned.Contains(name))
            {
                Flatten(value, parts);
            }
        }

        return string.Join('|', parts);
    }

    /// <summary>Whether <paramref name="record"/>'s <c>signature</c> is valid under <paramref name="publicKey"/>.</summary>
    public static bool Verify(JsonObject record, RSA publicKey)
    {
        if (record["signature"] is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return false;
        }

        var signature = new byte[text.Length];
        return Convert.TryFromBase64String(text, signature, out var length)
            && publicKey.VerifyData(Encoding.UTF8.GetBytes(CanonicalMessage(record)), signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The record's signature, base64.</summary>
    public string Sign(JsonObject record) =>
        Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(CanonicalMessage(record)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();

    private static void Flatten(JsonNode? node, List<string> parts)
    {
        switch (node)
        {
            case null:
                break;
            case JsonObject obj:
                foreach (var (_, child) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    Flatten(child, parts);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Flatten(item, parts);
                }

                break;
            default:
                parts.Add(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString());
                break;
        }
    }
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>
/// The hash chain over every audit record of the cluster: each record's <c>hash</c> is the SHA-256 of the previous
/// record's hash and this record's canonical form, so editing, removing or reordering any record, or cutting the tail
/// (against the chain's head), breaks a link that <c>gateway audit verify</c> names.
/// </summary>
public static class AuditChain
{
    /// <summary>Fields a record's link does not cover: the link itself, the signature made over it, and the computed ttl.</summary>
    private static readonly HashSet<string> Unlinked = ["hash", "signature", "ttl"];

    /// <summary>The record as compact JSON with its keys in ordinal order, without <c>hash</c>, <c>signature</c> and <c>ttl</c>.</summary>
    public static string Canonical(JsonObject record)
    {
        var text = new ArrayBufferWriter<byte>();
        WriteCanonical(record, text);
        return Encoding.UTF8.GetString(text.WrittenSpan);
    }

    /// <summary>The record's <c>hash</c>: lowercase hex SHA-256 of the previous hash, a newline and <see cref="Canonical"/>.</summary>
    public static string Link(string previousHash, JsonObject record)
    {
        // Hashed from the bytes as they are written: a link is made for every record inside the write lock.
        var message = new ArrayBufferWriter<byte>(1024);
        var prefix = message.GetSpan(Encoding.UTF8.GetMaxByteCount(previousHash.Length) + 1);
        var length = Encoding.UTF8.GetBytes(previousHash, prefix);
        prefix[length] = (byte)'\n';
        message.Advance(length + 1);
        WriteCanonical(record, message);
        return Convert.ToHexStringLower(SHA256.HashData(message.WrittenSpan));
    }

    /// <summary>
    /// The drafts as the records that follow <paramref name="head"/>: sequenced, linked and, with a signer, signed. The
    /// drafts' objects become the records (a draft sealed again after a failed append gets its chain fields anew).
    /// </summary>
    public static List<AuditEntry> Seal(IReadOnlyList<AuditDraft> drafts, AuditAnchor head, AuditSigner? signer)
    {
        var entries = new List<AuditEntry>(drafts.Count);
        var (sequence, hash) = (head.Sequence, head.Hash);
        foreach (var (table, record) in drafts)
        {
            record["sequence"] = ++sequence;
            hash = Link(hash, record);
            record["hash"] = hash;
            if (signer is not null)
            {
                record["signature"] = signer.Sign(record);
            }

            entries.Add(new AuditEntry(table, sequence, record));
        }

        return entries;
    }

    private static void WriteCanonical(JsonObject record, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        foreach (var (name, value) in record.Where(p => !Unlinked.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}

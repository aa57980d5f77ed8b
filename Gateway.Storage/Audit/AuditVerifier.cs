using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>
/// Walks the audit chain from its anchor to its head and names the first record that is missing, out of place,
/// changed, or (given the public key) not signed by the signing key. Records are read a page at a time, so a long log
/// costs time, not memory.
/// </summary>
public static class AuditVerifier
{
    private const int PageSize = 1000;

    /// <summary>Verifies the chain as it stands; <paramref name="publicKey"/> null leaves signatures unchecked.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAuditLog log, RSA? publicKey, CancellationToken cancellationToken = default)
    {
        // The head first: records appended during the walk are past it and left for the next one.
        var head = await log.GetHeadAsync(cancellationToken);
        var anchor = await log.GetAnchorAsync(cancellationToken);
        var (sequence, hash, records) = (anchor.Sequence, anchor.Hash, 0L);
        AuditVerification Broken(long at, string problem) => new(false, records, anchor, head, publicKey is not null, at, problem);

        while (sequence < head.Sequence)
        {
            var page = await log.ReadChainAsync(sequence, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                return Broken(sequence + 1, $"missing: the chain's head is record {head.Sequence}, and no record after {sequence} is kept (the tail was removed)");
            }

            foreach (var entry in page)
            {
                if (entry.Sequence > head.Sequence)
                {
                    break;
                }

                if (Check(entry, sequence, hash, publicKey) is { } problem)
                {
                    return Broken(entry.Sequence == sequence + 1 ? entry.Sequence : sequence + 1, problem);
                }

                (sequence, hash, records) = (entry.Sequence, Text(entry.Record, "hash")!, records + 1);
            }
        }

        return hash == head.Hash
            ? new AuditVerification(true, records, anchor, head, publicKey is not null, null, null)
            : Broken(head.Sequence, "its hash is not the chain's head hash (the last record was replaced)");
    }

    /// <summary>Why <paramref name="entry"/> cannot follow the record <paramref name="previous"/> with <paramref name="previousHash"/>; null when it can.</summary>
    private static string? Check(AuditEntry entry, long previous, string previousHash, RSA? publicKey)
    {
        var record = entry.Record;
        if (entry.Sequence != previous + 1)
        {
            return $"missing (the next kept record is {entry.Sequence}): a record was deleted";
        }

        if (record["sequence"] is not JsonValue stored || !stored.TryGetValue<long>(out var own) || own != entry.Sequence)
        {
            return $"its fields say sequence {record["sequence"]?.ToJsonString() ?? "null"}: records were reordered";
        }

        if (Text(record, "hash") != AuditChain.Link(previousHash, record))
        {
            return "its hash does not match its fields and its predecessor's hash: it was edited, or one before it was";
        }

        if (publicKey is not null && !AuditSigner.Verify(record, publicKey))
        {
            return record["signature"] is null ? "it is not signed" : "its signature does not verify with the public key";
        }

        return null;
    }

    private static string? Text(JsonObject record, string field) =>
        record[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Text.Json.Nodes;

namespace Gateway.Storage.Audit;

/// <summary>What an export wrote, and where the next one resumes.</summary>
/// <param name="Written">Records written.</param>
/// <param name="LastSequence">The last sequence looked at: <c>--after-sequence</c> for the next export.</param>
public readonly record struct AuditExported(long Written, long LastSequence);

/// <summary>
/// The audit log as JSON lines, in chain order, each record as stored (<c>sequence</c>, <c>hash</c> and <c>signature</c>
/// included, so a copy can be verified elsewhere). Request records are the ones with <c>method</c>, object records the
/// ones with <c>dao_name</c>.
/// </summary>
public static class AuditExport
{
    private const int PageSize = 1000;

    /// <summary>
    /// Writes the records after <paramref name="afterSequence"/> up to the head as it was when the export started,
    /// keeping those whose <c>request_timestamp</c> is at or after <paramref name="since"/> and before <paramref name="until"/>.
    /// </summary>
    public static async Task<AuditExported> WriteAsync(
        IAuditLog log, TextWriter output, long afterSequence, long? since, long? until, CancellationToken cancellationToken = default)
    {
        var head = (await log.GetHeadAsync(cancellationToken)).Sequence;
        var (sequence, written) = (afterSequence, 0L);
        while (sequence < head)
        {
            var page = await log.ReadChainAsync(sequence, PageSize, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var entry in page.TakeWhile(e => e.Sequence <= head))
            {
                sequence = entry.Sequence;
                var timestamp = entry.Record["request_timestamp"] is JsonValue value && value.TryGetValue<long>(out var t) ? t : 0;
                if (timestamp >= (since ?? long.MinValue) && timestamp < (until ?? long.MaxValue))
                {
                    await output.WriteLineAsync(entry.ToJson().AsMemory(), cancellationToken);
                    written++;
                }
            }

            if (page[^1].Sequence > head)
            {
                break;
            }
        }

        await output.FlushAsync(cancellationToken);
        return new AuditExported(written, sequence);
    }
}

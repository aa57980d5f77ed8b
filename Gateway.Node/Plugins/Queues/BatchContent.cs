using System.Net;

namespace Gateway.Node.Plugins.Queues;

/// <summary>
/// A batch's entries as a request body, written one after the other (with an opening, a separator and a closing
/// when given: a JSON array), never copied into one array: a batch of a few hundred entries would otherwise be a
/// large-object-heap allocation per send.
/// </summary>
/// <param name="entries">The entries, already encoded.</param>
/// <param name="open">Written first, if any.</param>
/// <param name="separator">Written between two entries, if any.</param>
/// <param name="close">Written last, if any.</param>
public sealed class BatchContent(IReadOnlyList<byte[]> entries, byte[]? open = null, byte[]? separator = null, byte[]? close = null) : HttpContent
{
    private static readonly byte[] ArrayOpen = "["u8.ToArray();
    private static readonly byte[] ArraySeparator = ","u8.ToArray();
    private static readonly byte[] ArrayClose = "]"u8.ToArray();

    /// <summary>Entries that are each a JSON value, as one JSON array.</summary>
    public static BatchContent JsonArray(IReadOnlyList<byte[]> entries) => new(entries, ArrayOpen, ArraySeparator, ArrayClose);

    /// <inheritdoc />
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc />
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (open is not null)
        {
            await stream.WriteAsync(open, cancellationToken);
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0 && separator is not null)
            {
                await stream.WriteAsync(separator, cancellationToken);
            }

            await stream.WriteAsync(entries[i], cancellationToken);
        }

        if (close is not null)
        {
            await stream.WriteAsync(close, cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override bool TryComputeLength(out long length)
    {
        length = (open?.Length ?? 0) + (close?.Length ?? 0) + ((long)(separator?.Length ?? 0) * Math.Max(0, entries.Count - 1));
        foreach (var entry in entries)
        {
            length += entry.Length;
        }

        return true;
    }
}

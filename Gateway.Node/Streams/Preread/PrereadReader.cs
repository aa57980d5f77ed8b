namespace Gateway.Node.Streams.Preread;

/// <summary>Reads the first bytes of a stream connection until a pre-read parser has seen enough.</summary>
public static class PrereadReader
{
    /// <summary>
    /// Reads from <paramref name="source"/> into <paramref name="buffer"/> after its first <paramref name="buffered"/>
    /// bytes until <paramref name="parse"/>, given all bytes so far, stops answering <see cref="PrereadStatus.NeedMore"/>.
    /// The buffer filling up or the stream ending while the parser still needs more is <see cref="PrereadStatus.Invalid"/>.
    /// </summary>
    /// <param name="source">The connection to read from.</param>
    /// <param name="buffer">Holds the bytes read; its length bounds how much is read (a parser's MaxLength).</param>
    /// <param name="buffered">How many bytes at the start of <paramref name="buffer"/> are already read.</param>
    /// <param name="parse">Parses the bytes so far, from the start, each time more arrive.</param>
    /// <param name="cancellationToken">Aborts the reads (a pre-read timeout).</param>
    /// <returns>The parser's last answer and how many bytes <paramref name="buffer"/> now holds; bytes past the parsed
    /// structure belong to the payload and must be forwarded.</returns>
    public static async ValueTask<(PrereadStatus Status, int Buffered)> ReadUntilAsync(
        System.IO.Stream source, byte[] buffer, int buffered, Func<ReadOnlyMemory<byte>, PrereadStatus> parse,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentOutOfRangeException.ThrowIfNegative(buffered);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(buffered, buffer.Length);
        while (true)
        {
            var status = parse(buffer.AsMemory(0, buffered));
            if (status != PrereadStatus.NeedMore)
            {
                return (status, buffered);
            }
            if (buffered == buffer.Length)
            {
                return (PrereadStatus.Invalid, buffered);
            }
            var read = await source.ReadAsync(buffer.AsMemory(buffered), cancellationToken);
            if (read == 0)
            {
                return (PrereadStatus.Invalid, buffered);
            }
            buffered += read;
        }
    }
}

namespace Gateway.Node.Proxy;

/// <summary>
/// A write-only pass-through that counts what is written: the bytes of a streamed response body, for the
/// log phase's response.size. Used only when some plugin logs.
/// </summary>
internal sealed class CountingStream(Stream inner) : Stream
{
    /// <summary>"0\r\n\r\n": the last chunk that ends a chunked body without trailers.</summary>
    private const int LastChunkLength = 5;

    /// <summary>The chunk-size lines and CRLFs around the writes, had Kestrel sent each non-empty one as a chunk (it does, when chunked).</summary>
    private long _chunkFraming;

    /// <summary>The bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>
    /// The bytes on the wire for what was written: the body, and when Kestrel sent it chunked (HTTP/1.1
    /// without Content-Length) each write's chunk-size line and CRLF and the last chunk, as nginx's
    /// <c>$bytes_sent</c> counts them.
    /// </summary>
    public long OnTheWire(bool chunked) => chunked ? Written + _chunkFraming + LastChunkLength : Written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Count(buffer.Length);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        Count(buffer.Length);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Count(int length)
    {
        if (length == 0)
        {
            return;
        }

        Written += length;

        // "{length in hex}\r\n" before the data, "\r\n" after it.
        _chunkFraming += ((64 - long.LeadingZeroCount(length) + 3) / 4) + 4;
    }
}

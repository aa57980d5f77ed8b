using System.Globalization;
using System.Text;

namespace Gateway.Node.Admin;

/// <summary>
/// The output of one Admin API connection, passed through except for Kestrel's own refusals: a 4xx
/// or 5xx whose head ends the flush that carries it, with <c>Content-Length: 0</c> and no <c>Server</c>
/// header (every answer of <see cref="AdminApi"/> names kong/x.y.z there) is written again with
/// Kong's JSON message. Kestrel flushes at the end of every response, so each response starts a
/// flush; only a flush that starts as a 4xx or 5xx status line is held until it is complete.
/// </summary>
public sealed class RefusalBodyStream(Stream inner) : Stream
{
    private static readonly byte[] StatusLine = "HTTP/1.1 "u8.ToArray();
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private readonly MemoryStream _held = new();
    private bool _flushStart = true;
    private bool _holding;

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Hold(buffer.Span))
        {
            _held.Write(buffer.Span);
            return;
        }

        await inner.WriteAsync(buffer, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_holding)
        {
            var held = _held.GetBuffer().AsMemory(0, (int)_held.Length);
            await inner.WriteAsync(IsBodylessRefusal(held.Span, out var status) ? WithKongBody(held.Span, status) : held, cancellationToken);
            _held.SetLength(0);
            _holding = false;
        }

        _flushStart = true;
        await inner.FlushAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _held.Dispose();
        }

        base.Dispose(disposing);
    }

    private bool Hold(ReadOnlySpan<byte> buffer)
    {
        if (_flushStart)
        {
            _flushStart = false;
            _holding = buffer.StartsWith(StatusLine) && buffer.Length > StatusLine.Length && buffer[StatusLine.Length] is (byte)'4' or (byte)'5';
        }

        return _holding;
    }

    private static bool IsBodylessRefusal(ReadOnlySpan<byte> response, out int status)
    {
        status = 0;
        var headEnd = response.IndexOf(HeadEnd);
        if (headEnd < 0 || headEnd + HeadEnd.Length != response.Length
            || !int.TryParse(response.Slice(StatusLine.Length, 3), NumberStyles.None, CultureInfo.InvariantCulture, out status))
        {
            return false;
        }

        var hasEmptyLength = false;
        foreach (var line in Encoding.ASCII.GetString(response[..headEnd]).Split("\r\n").Skip(1))
        {
            if (line.StartsWith("Server:", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            hasEmptyLength |= line.Equals("Content-Length: 0", StringComparison.OrdinalIgnoreCase);
        }

        return hasEmptyLength;
    }

    private static byte[] WithKongBody(ReadOnlySpan<byte> refusal, int status)
    {
        var body = $$"""{"message":"{{KongStatusMessages.For(status)}}"}""";
        var head = new StringBuilder();
        foreach (var line in Encoding.ASCII.GetString(refusal[..refusal.IndexOf(HeadEnd)]).Split("\r\n"))
        {
            if (!line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                head.Append(line).Append("\r\n");
            }
        }

        head.Append("Content-Type: application/json; charset=utf-8\r\n")
            .Append("Content-Length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n")
            .Append("Server: kong/").Append(NodeIdentity.KongVersion).Append("\r\n\r\n")
            .Append(body);
        return Encoding.UTF8.GetBytes(head.ToString());
    }
}

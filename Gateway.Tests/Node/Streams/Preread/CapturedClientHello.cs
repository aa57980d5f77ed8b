using System.Net.Security;
using System.Security.Authentication;

namespace Gateway.Tests.Node.Streams.Preread;

/// <summary>
/// Real ClientHellos: what .NET's SslStream (OpenSSL underneath) writes first when it connects, captured by an in-memory
/// peer that records the client's writes and ends the handshake at its first read.
/// </summary>
internal static class CapturedClientHello
{
    public static async Task<byte[]> CaptureAsync(string targetHost, SslProtocols protocols = SslProtocols.None, params string[] alpn)
    {
        var peer = new RecordingPeer();
        await using var client = new SslStream(peer);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            EnabledSslProtocols = protocols,
            ApplicationProtocols = alpn.Length == 0 ? null : [.. alpn.Select(name => new SslApplicationProtocol(name))],
        };
        await Assert.ThrowsAnyAsync<Exception>(() => client.AuthenticateAsClientAsync(options));
        Assert.NotEmpty(peer.Written);
        return peer.Written;
    }

    // Records what the client writes; its first read ends the handshake, as a peer closing at once would.
    private sealed class RecordingPeer : System.IO.Stream
    {
        private readonly MemoryStream _written = new();

        public byte[] Written => _written.ToArray();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("the capturing peer does not answer");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("the capturing peer does not answer"));

        public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

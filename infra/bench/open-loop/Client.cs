using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using HdrHistogram;

namespace OpenLoop;

/// <summary>
/// One keep-alive connection on a thread of its own, with blocking sockets: a thread per connection keeps the send
/// time precise without an event loop. It sleeps until each request's intended time (or sends at once when the
/// previous answer came late), reads the answer, and records the time since the intended send time. Errors count
/// from the warm-up on too: a target that fails at all is not a fair comparison.
/// </summary>
internal sealed partial class Client(Options options, long firstSend, double interval, long measureFrom, long end)
{
    private readonly byte[] _request = BuildRequest(options);
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Socket? _socket;

    public LongHistogram Latencies { get; } = new(TimeStamp.Seconds(60), 3);
    public long Completed { get; private set; }
    public long Errors { get; private set; }
    public string? FirstError { get; private set; }

    public void Run()
    {
        for (long k = 0; ; k++)
        {
            var intended = firstSend + (long)(k * interval);
            if (intended >= end)
                break;
            SleepUntil(intended);
            try
            {
                var status = Exchange();
                var answered = Stopwatch.GetTimestamp();
                if (status != 200)
                    Fail($"status {status}");
                if (intended >= measureFrom)
                {
                    Latencies.RecordValue(Math.Max(0, answered - intended));
                    Completed++;
                }
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or FormatException)
            {
                Fail(e.Message);
                _socket?.Dispose();
                _socket = null;
            }
        }
        _socket?.Dispose();
    }

    private void Fail(string why)
    {
        Errors++;
        FirstError ??= why;
    }

    private static byte[] BuildRequest(Options options)
    {
        var text = new StringBuilder($"GET {options.Url.PathAndQuery} HTTP/1.1\r\nHost: {options.Url.Authority}\r\n");
        foreach (var header in options.Headers)
            text.Append(header).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Sends the request and reads one answer framed by Content-Length; returns its status.</summary>
    private int Exchange()
    {
        if (_socket is null)
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            _socket.Connect(options.Url.Host, options.Url.Port);
        }
        _socket.Send(_request);
        int filled = 0, headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            filled += Receive(filled);
        var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        var status = int.Parse(head.AsSpan(9, 3), provider: null);
        var length = ContentLength(head) ?? throw new InvalidDataException("an answer without Content-Length");
        var total = headerEnd + 4 + length;
        if (total > _buffer.Length)
            throw new InvalidDataException($"an answer of {total} bytes, more than the {_buffer.Length} this tool reads");
        while (filled < total)
            filled += Receive(filled);
        if (filled > total)
            throw new InvalidDataException("bytes after the answer");
        return status;
    }

    private int Receive(int filled)
    {
        var read = _socket!.Receive(_buffer, filled, _buffer.Length - filled, SocketFlags.None);
        return read > 0 ? read : throw new IOException("the connection was closed");
    }

    private static int? ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return int.Parse(line.AsSpan(15).Trim(), provider: null);
        }
        return null;
    }

    // Thread.Sleep takes whole milliseconds, too coarse for sub-millisecond latencies: nanosleep (through usleep) is
    // precise to the kernel's timer slack, about 50 us.
    private static void SleepUntil(long timestamp)
    {
        var wait = timestamp - Stopwatch.GetTimestamp();
        if (wait > 0)
            _ = Usleep((uint)(wait * 1_000_000 / Stopwatch.Frequency));
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace StreamLoad;

/// <summary>
/// Connection rate: C workers, each in a loop opening a connection, sending 8 bytes (its own number and a count),
/// reading the same 8 back and closing, for the duration or until --max-connections have started. Gives connections
/// per second and each connection's time (connect to echo read), p50 and p99.
/// </summary>
internal static class ConnectionRate
{
    private const int MessageSize = 8;

    public static async Task<int> RunAsync(Options options)
    {
        var errors = new Errors();
        var started = 0;
        using var stop = new CancellationTokenSource(options.Duration);
        var clock = Stopwatch.StartNew();
        var times = await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = new List<long>();
            var message = new byte[MessageSize];
            var echoed = new byte[MessageSize];
            BinaryPrimitives.WriteInt32LittleEndian(message, worker);
            for (var count = 0; !stop.IsCancellationRequested && Interlocked.Increment(ref started) <= options.MaxConnections; count++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(4), count);
                var begin = Stopwatch.GetTimestamp();
                try
                {
                    await RoundTripAsync(options, message, echoed, stop.Token);
                    mine.Add(Stopwatch.GetTimestamp() - begin);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    // The run's own stop: the connection in flight at the deadline is not counted.
                }
                catch (Exception e)
                {
                    errors.Add(e);
                }
            }

            return mine;
        })));
        var elapsed = Math.Min(clock.Elapsed.TotalSeconds, options.Duration.TotalSeconds);
        var all = times.SelectMany(t => t).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, Math.Ceiling(p * all.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        var rate = all.Length / elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"connrate target={options.Target} concurrency={options.Concurrency} seconds={elapsed:F2} connections={all.Length} conn_per_s={rate:F0} p50_ms={Percentile(0.50):F3} p99_ms={Percentile(0.99):F3} errors={errors.Count} first_error={errors.First}"));
        return errors.Count == 0 && all.Length > 0 ? 0 : 1;
    }

    private static async Task RoundTripAsync(Options options, byte[] message, byte[] echoed, CancellationToken token)
    {
        using var socket = new Socket(options.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(options.Target, token);
        await Net.SendAllAsync(socket, message, token);
        for (var got = 0; got < MessageSize;)
        {
            var length = await socket.ReceiveAsync(echoed.AsMemory(got), SocketFlags.None, token);
            got += length > 0 ? length : throw new IOException($"closed by the peer after {got} bytes");
        }

        if (!echoed.AsSpan().SequenceEqual(message))
        {
            throw new InvalidDataException("the echoed bytes differ from those sent");
        }
    }
}

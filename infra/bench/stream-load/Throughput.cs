using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace StreamLoad;

/// <summary>
/// Echo throughput: each of C connections streams a known pattern (full duplex: a sender and a receiver) and checks
/// every echoed byte against it, for the duration or until the bounded total (--max-mb, shared out) has come back.
/// MB/s counts echoed bytes (10^6 a MB), so a byte crosses the proxy twice per byte counted.
/// </summary>
internal static class Throughput
{
    // A prime period: a byte dropped, duplicated or reordered by a proxy shifts the pattern and is seen.
    private const int Period = 251;

    public static async Task<int> RunAsync(Options options)
    {
        var pattern = new byte[options.Chunk + Period];
        for (var i = 0; i < pattern.Length; i++)
        {
            pattern[i] = (byte)(i % Period);
        }

        var sockets = new Socket[options.Concurrency];
        var received = new long[options.Concurrency];
        var errors = new Errors();
        var share = options.MaxBytes / options.Concurrency;
        using var stop = new CancellationTokenSource();
        try
        {
            using (var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                await Task.WhenAll(Enumerable.Range(0, sockets.Length).Select(async i =>
                {
                    sockets[i] = new Socket(options.Target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await sockets[i].ConnectAsync(options.Target, connecting.Token);
                }));
            }

            var clock = Stopwatch.StartNew();
            var streams = Task.WhenAll(sockets.Select((socket, i) => StreamAsync(socket, i, share, pattern, received, errors, stop.Token)));
            await Task.WhenAny(streams, Task.Delay(options.Duration));
            var elapsed = clock.Elapsed.TotalSeconds;
            long bytes = 0;
            for (var i = 0; i < received.Length; i++)
            {
                bytes += Volatile.Read(ref received[i]);
            }

            stop.Cancel();
            await streams.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
            return Report(options, bytes, elapsed, errors);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            errors.Add(e);
            return Report(options, 0, 0, errors);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task StreamAsync(Socket socket, int slot, long share, byte[] pattern, long[] received, Errors errors, CancellationToken token)
    {
        try
        {
            await Task.WhenAll(SendAsync(socket, share, pattern, token), ReceiveAsync(socket, slot, share, pattern, received, token));
        }
        catch (Exception e) when (!token.IsCancellationRequested)
        {
            errors.Add(e);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // The run's own stop: pending calls cancelled.
        }
    }

    private static async Task SendAsync(Socket socket, long share, byte[] pattern, CancellationToken token)
    {
        var chunk = pattern.Length - Period;
        for (long sent = 0; sent < share;)
        {
            var length = (int)Math.Min(chunk, share - sent);
            await Net.SendAllAsync(socket, pattern.AsMemory((int)(sent % Period), length), token);
            sent += length;
        }
    }

    private static async Task ReceiveAsync(Socket socket, int slot, long share, byte[] pattern, long[] received, CancellationToken token)
    {
        var buffer = new byte[pattern.Length - Period];
        for (long got = 0; got < share;)
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, token);
            if (length == 0)
            {
                throw new IOException($"closed by the peer after {got} bytes");
            }

            if (!buffer.AsSpan(0, length).SequenceEqual(pattern.AsSpan((int)(got % Period), length)))
            {
                throw new InvalidDataException($"echoed bytes differ from those sent, within bytes {got} to {got + length}");
            }

            got += length;
            Volatile.Write(ref received[slot], got);
        }
    }

    private static int Report(Options options, long bytes, double elapsed, Errors errors)
    {
        var rate = elapsed > 0 ? bytes / elapsed / 1e6 : 0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput target={options.Target} concurrency={options.Concurrency} chunk={options.Chunk} seconds={elapsed:F2} bytes={bytes} mb_per_s={rate:F1} errors={errors.Count} first_error={errors.First}"));
        return errors.Count == 0 && bytes > 0 ? 0 : 1;
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>A real UDP listener on 127.0.0.1 (port chosen at run time) that the datagram log plugins send to: udp-log, loggly, statsd, datadog.</summary>
public sealed class UdpCollector : IDisposable
{
    private readonly UdpClient _client = new(new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_client.Client.LocalEndPoint!).Port;

    /// <summary>The next datagram as UTF-8 text, or a failure after 10 seconds.</summary>
    public async Task<string> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await _client.ReceiveAsync(timeout.Token);
        return Encoding.UTF8.GetString(received.Buffer);
    }

    /// <summary>The next <paramref name="count"/> datagrams, in arrival order.</summary>
    public async Task<List<string>> NextAsync(int count)
    {
        var datagrams = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            datagrams.Add(await NextAsync());
        }

        return datagrams;
    }

    /// <summary>Whether a datagram arrives within <paramref name="wait"/> (it is consumed).</summary>
    public async Task<bool> AnyWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await _client.ReceiveAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}

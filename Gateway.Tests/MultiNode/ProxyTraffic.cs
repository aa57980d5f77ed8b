using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// Proxied GETs sent without pause through some nodes until stopped: every answer other than 200
/// (or a failed connection) is recorded, so a test can require zero failures across an outage.
/// </summary>
public sealed class ProxyTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly Task _running;
    private int _count;

    private ProxyTraffic(IReadOnlyList<ClusterNode> nodes, string path)
    {
        _running = Task.WhenAll(nodes.Select(node => Task.Run(() => SendAsync(node, path))));
    }

    /// <summary>How many requests were answered so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts one sender per node.</summary>
    public static ProxyTraffic Start(string path, params ClusterNode[] nodes) => new(nodes, path);

    /// <summary>Stops the senders and returns what failed, as "node: status" lines.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
        lock (_failures)
        {
            return [.. _failures];
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SendAsync(ClusterNode node, string path)
    {
        while (!_stop.IsCancellationRequested)
        {
            string? failure;
            try
            {
                using var response = await node.Proxy.GetAsync(path);
                failure = response.IsSuccessStatusCode ? null : $"{node.Name}: {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                failure = $"{node.Name}: {e.Message}";
            }

            Interlocked.Increment(ref _count);
            if (failure is not null)
            {
                lock (_failures)
                {
                    _failures.Add(failure);
                }
            }
        }
    }
}

using System.Collections.Concurrent;

namespace Gateway.Tests.Support;

/// <summary>
/// Sends requests for a route that a config change is about to add, from several clients at once, while the change runs,
/// and keeps every answer each client gets from its first non-404 on: those must all come from the route's service,
/// never a 5xx of a config half swapped in. Bounded: at most <see cref="MaxRequests"/> requests per client and
/// <see cref="Patience"/> per change.
/// </summary>
internal static class NewRouteProber
{
    /// <summary>How many answers each client collects once the route answers.</summary>
    public const int AnswersAfterLive = 20;

    /// <summary>The most requests one client sends for one change.</summary>
    public const int MaxRequests = 50_000;

    /// <summary>How long a change may take to go live everywhere.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs <paramref name="change"/> while <paramref name="clientsPerProxy"/> clients per proxy GET
    /// <paramref name="path"/>; returns each 5xx seen from a client's first non-404 answer on, as "proxy status: body",
    /// and fails the test when a client never saw the route answer.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProbeAsync(IReadOnlyList<HttpClient> proxies, string path, Func<Task> change, int clientsPerProxy = 2)
    {
        var failures = new ConcurrentQueue<string>();
        var neverLive = new ConcurrentQueue<string>();
        using var giveUp = new CancellationTokenSource(Patience);
        var clients = proxies
            .SelectMany((proxy, index) => Enumerable.Range(0, clientsPerProxy).Select(_ => Task.Run(() => ProbeOneAsync(proxy, index))))
            .ToArray();
        await change();
        await Task.WhenAll(clients);
        Assert.True(neverLive.IsEmpty, $"{path} never answered on: {string.Join(", ", neverLive)}");
        return [.. failures];

        async Task ProbeOneAsync(HttpClient proxy, int index)
        {
            var afterLive = -1;
            for (var sent = 0; sent < MaxRequests && afterLive < AnswersAfterLive && !giveUp.IsCancellationRequested; sent++)
            {
                try
                {
                    using var response = await proxy.GetAsync(path, giveUp.Token);
                    var status = (int)response.StatusCode;
                    if (status == 404 && afterLive < 0)
                    {
                        continue;
                    }

                    afterLive++;
                    if (status >= 500)
                    {
                        failures.Enqueue($"proxy {index} {path} {status}: {await response.Content.ReadAsStringAsync(giveUp.Token)}");
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue($"proxy {index} {path}: {e.Message}");
                }
                catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
                {
                    break;
                }
            }

            if (afterLive < 0)
            {
                neverLive.Enqueue($"proxy {index}");
            }
        }
    }
}

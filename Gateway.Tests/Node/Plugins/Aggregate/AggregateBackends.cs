using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Plugins.Aggregate;

/// <summary>
/// The aggregate tests' upstream: one real Kestrel server whose paths play the services. <c>/users/{id}</c> and
/// <c>/orders?user=</c> answer JSON, <c>/echo</c> what it got, <c>/delay/{ms}</c> after a while, <c>/status/{n}</c>
/// that status, <c>/text</c> plain text, <c>/big</c> 2 KB of JSON, <c>/meet/{me}/{other}</c> only once the other's
/// request has arrived too (so two calls answer only when made in parallel), <c>/hang/{key}</c> never (it records
/// the cancellation of its request).
/// </summary>
public sealed class AggregateBackends : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _aborted = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private Backend? _backend;

    /// <summary>The port it listens on.</summary>
    public int Port => _backend!.Port;

    /// <summary>Completes when the <c>/hang/{key}</c> request was cancelled by the gateway.</summary>
    public Task Aborted(string key) => _aborted.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>How many requests reached a path (without its query).</summary>
    public int Hits(string path) => _hits.GetValueOrDefault(path);

    /// <inheritdoc />
    public async Task InitializeAsync() => _backend = await Backend.StartAsync(HandleAsync);

    /// <inheritdoc />
    public async Task DisposeAsync() => await _backend!.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!;
        _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["users", var id]:
                await JsonAsync(context, new JsonObject
                {
                    ["id"] = id,
                    ["name"] = $"user-{id}",
                    ["address"] = new JsonObject { ["city"] = "Lyon", ["zip"] = "69000" },
                    ["secret"] = "s3cret",
                });
                break;
            case ["orders"]:
                var user = request.Query["user"].ToString();
                await JsonAsync(context, new JsonArray(new JsonObject { ["id"] = 1, ["user"] = user }, new JsonObject { ["id"] = 2, ["user"] = user }));
                break;
            case ["echo"]:
                using (var reader = new StreamReader(request.Body))
                {
                    var headers = new JsonObject();
                    foreach (var (name, value) in request.Headers)
                    {
                        headers[name.ToLowerInvariant()] = value.ToString();
                    }

                    await JsonAsync(context, new JsonObject
                    {
                        ["method"] = request.Method,
                        ["query"] = request.QueryString.Value,
                        ["headers"] = headers,
                        ["body"] = await reader.ReadToEndAsync(),
                    });
                }

                break;
            case ["delay", var ms]:
                await Task.Delay(int.Parse(ms, System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
                await JsonAsync(context, new JsonObject { ["delayed"] = int.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) });
                break;
            case ["status", var status]:
                context.Response.StatusCode = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
                await JsonAsync(context, new JsonObject { ["error"] = status });
                break;
            case ["text"]:
                context.Response.ContentType = "text/plain";
                context.Response.Headers["X-Backend-Text"] = "yes";
                await context.Response.WriteAsync("plain text, passed on");
                break;
            case ["big"]:
                await JsonAsync(context, new JsonObject { ["pad"] = new string('x', 2048) });
                break;
            case ["meet", var me, var other]:
                _ = Signal(_arrived, me);
                var theirs = Signal(_arrived, other, complete: false);
                var met = await Task.WhenAny(theirs, Task.Delay(1500)) == theirs;
                context.Response.StatusCode = met ? 200 : 504;
                await JsonAsync(context, new JsonObject { [me] = met });
                break;
            case ["hang", var key]:
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    _ = Signal(_aborted, key);
                }

                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private static Task Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string key, bool complete = true)
    {
        var signal = signals.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        if (complete)
        {
            signal.TrySetResult();
        }

        return signal.Task;
    }

    private static async Task JsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }
}

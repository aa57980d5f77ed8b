using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Plugins.Zipkin;

/// <summary>A Zipkin collector on a <see cref="Backend"/>: keeps every span POSTed to it (a JSON array per request).</summary>
public sealed class ZipkinReceiver : IAsyncDisposable
{
    private readonly List<JsonObject> _spans = [];
    private readonly List<string> _contentTypes = [];
    private Backend _backend = null!;

    private ZipkinReceiver()
    {
    }

    /// <summary>The URL spans are posted to.</summary>
    public string Endpoint => $"http://127.0.0.1:{_backend.Port}/api/v2/spans";

    /// <summary>The Content-Type of every POST so far.</summary>
    public IReadOnlyList<string> ContentTypes
    {
        get
        {
            lock (_spans)
            {
                return [.. _contentTypes];
            }
        }
    }

    public static async Task<ZipkinReceiver> StartAsync()
    {
        var receiver = new ZipkinReceiver();
        receiver._backend = await Backend.StartAsync(receiver.HandleAsync);
        return receiver;
    }

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<JsonObject> Spans
    {
        get
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }
    }

    /// <summary>The spans of <paramref name="traceId"/> once <paramref name="count"/> arrived (fails after 10 seconds), by name.</summary>
    public async Task<Dictionary<string, JsonObject>> TraceAsync(string traceId, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var spans = Spans.Where(s => s["traceId"]!.GetValue<string>() == traceId).ToList();
            if (spans.Count >= count)
            {
                Assert.Equal(count, spans.Count);
                return spans.ToDictionary(s => s["name"]!.GetValue<string>());
            }

            Assert.True(DateTime.UtcNow < deadline, $"{spans.Count} of {count} spans of trace {traceId} arrived; all: {string.Join(", ", Spans.Select(s => s.ToJsonString()))}");
            await Task.Delay(20);
        }
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!.AsArray();
        lock (_spans)
        {
            _contentTypes.Add(context.Request.ContentType ?? "");
            _spans.AddRange(body.Select(s => s!.AsObject()));
        }

        context.Response.StatusCode = 202;
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Audit;

/// <summary>
/// audit_log_sink: every record the node commits also reaches a file (JSON lines, rotated by size) or an HTTP endpoint
/// (JSON arrays, retried when it fails), the same records the database holds, with their chain fields.
/// </summary>
public sealed class AuditSinkTests
{
    [Fact]
    public async Task AFileSink_GetsEveryRecord_AsJsonLines_RotatedBySize()
    {
        await using var node = await TestNode.StartAsync("--audit_log", "on", "--audit_log_sink", "audit/records.jsonl", "--audit_log_sink_max_size", "4k");
        await WriteAsync(node, 12);
        var head = await HeadAsync(node);
        var sink = Path.Combine(node.Prefix, "audit", "records.jsonl");

        IEnumerable<string> Files() => new[] { sink }.Concat(Enumerable.Range(1, 5).Select(i => $"{sink}.{i}")).Where(File.Exists);
        List<JsonObject> Lines() => [.. Files().Reverse().SelectMany(ReadShared).Select(l => JsonNode.Parse(l)!.AsObject())];
        await Eventually.HoldsAsync(() => Lines().Count >= head, TimeSpan.FromSeconds(10), $"{head} records in the sink files");

        var lines = Lines();
        Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), lines.Take((int)head).Select(l => (long)l["sequence"]!));
        Assert.True(File.Exists(sink + ".1"), "rotated at 4k");
        Assert.All(Files(), f => Assert.InRange(new FileInfo(f).Length, 1, 4096));
        var stored = (await node.GetAsync("/audit/objects?size=1"))["data"]![0]!.AsObject();
        var streamed = lines.Single(l => (string?)l["hash"] == (string?)stored["hash"]);
        Assert.Equal((string?)stored["entity"], (string?)streamed["entity"]);
    }

    [Fact]
    public async Task AnHttpSink_GetsEveryRecord_InBatches_AndARefusedBatchIsRetried()
    {
        var received = new ConcurrentQueue<JsonObject>();
        var posts = 0;
        await using var collector = await Backend.StartAsync(async context =>
        {
            // The first batch is refused: it must come again.
            if (Interlocked.Increment(ref posts) == 1)
            {
                context.Response.StatusCode = 503;
                return;
            }

            Assert.Equal("application/json", context.Request.ContentType);
            var batch = (await JsonNode.ParseAsync(context.Request.Body))!.AsArray();
            foreach (var record in batch)
            {
                received.Enqueue(record!.AsObject());
            }

            context.Response.StatusCode = 200;
        });
        await using var node = await TestNode.StartAsync("--audit_log", "on", "--audit_log_sink", $"http://127.0.0.1:{collector.Port}/audit");
        await WriteAsync(node, 5);
        var head = await HeadAsync(node);

        await Eventually.HoldsAsync(() => received.Count >= head, TimeSpan.FromSeconds(15), $"{head} records posted");

        Assert.True(Volatile.Read(ref posts) >= 2);
        Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), received.Take((int)head).Select(r => (long)r["sequence"]!));
        Assert.All(received, r => Assert.False(string.IsNullOrEmpty((string?)r["hash"])));
    }

    private static async Task WriteAsync(TestNode node, int consumers)
    {
        for (var i = 0; i < consumers; i++)
        {
            await node.CreateAsync("/consumers", $$"""{"username":"sink-{{i}}","custom_id":"{{i}}-{{new string('x', 100)}}"}""");
        }

        // Request records are written behind the answers: wait until the last write's record is in.
        await Eventually.HoldsAsync(
            async () => (await node.GetAsync("/audit/requests?method=POST"))["data"]!.AsArray().Count == consumers, TimeSpan.FromSeconds(10), "the writes' request records");
    }

    private static async Task<long> HeadAsync(TestNode node) => (long)(await node.GetAsync("/audit/verify"))["head"]!["sequence"]!;

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}

// Open-loop HTTP/1.1 load generator for infra/bench/proxy.sh (OPEN_LOOP=1): a fixed total request rate over
// keep-alive connections, each request given an intended send time on a fixed schedule, its latency measured from
// that intended time rather than from when it was actually sent. A slow answer therefore delays the requests
// behind it and their latency counts the wait (no coordinated omission, as wrk2).
//
//   open-loop --url http://127.0.0.1:P/ --rate R --connections C --seconds S [--warmup S] [--header "Name: value"]...
//
// The first --warmup seconds (1) run on the same schedule but are not measured: the tool's own JIT, the connections.
//
// Prints one line of key=value pairs (rate achieved, requests, errors, p50/p90/p99/p99.9/max in ms) and exits 0
// when every answer was a 200, 1 otherwise; bad arguments exit 2. Loopback only.
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using OpenLoop;

Options options;
try
{
    options = Options.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine($"open-loop: {e.Message}");
    Console.Error.WriteLine("usage: open-loop --url http://127.0.0.1:P/ --rate R --connections C --seconds S [--header \"Name: value\"]");
    return 2;
}

// Connection i sends requests i, i + C, i + 2C, ... of one schedule spaced 1/rate apart.
var interval = Stopwatch.Frequency / options.Rate;
var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
var measureFrom = start + (long)(options.Warmup * Stopwatch.Frequency);
var end = measureFrom + (long)(options.Seconds * Stopwatch.Frequency);
var clients = Enumerable.Range(0, options.Connections)
    .Select(i => new Client(options, start + (long)(i * interval), interval * options.Connections, measureFrom, end))
    .ToArray();
var threads = clients.Select(c => new Thread(c.Run) { IsBackground = true }).ToArray();
foreach (var thread in threads)
    thread.Start();
foreach (var thread in threads)
    thread.Join();

var merged = new LongHistogram(TimeStamp.Seconds(60), 3);
foreach (var client in clients)
    merged.Add(client.Latencies);
var requests = clients.Sum(c => c.Completed);
var errors = clients.Sum(c => c.Errors);
var elapsed = (double)(Stopwatch.GetTimestamp() - measureFrom) / Stopwatch.Frequency;
string Ms(double percentile) => (merged.GetValueAtPercentile(percentile) / (double)Stopwatch.Frequency * 1000).ToString("F3", CultureInfo.InvariantCulture);
Console.WriteLine(string.Join(' ',
    $"target_rate={options.Rate.ToString("F0", CultureInfo.InvariantCulture)}",
    $"rate={(requests / elapsed).ToString("F0", CultureInfo.InvariantCulture)}",
    $"requests={requests}", $"errors={errors}",
    $"p50_ms={Ms(50)}", $"p90_ms={Ms(90)}", $"p99_ms={Ms(99)}", $"p999_ms={Ms(99.9)}",
    $"max_ms={(merged.GetMaxValue() / (double)Stopwatch.Frequency * 1000).ToString("F3", CultureInfo.InvariantCulture)}"));
if (errors > 0)
    Console.Error.WriteLine($"open-loop: first error: {clients.Select(c => c.FirstError).FirstOrDefault(e => e is not null)}");
return errors == 0 ? 0 : 1;

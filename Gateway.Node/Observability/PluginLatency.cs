using System.Collections.Concurrent;
using System.Diagnostics;
using Prometheus;

namespace Gateway.Node.Observability;

/// <summary>
/// gateway_plugin_latency_seconds (plugin_latency_metrics = on): how long each plugin's phase handler ran, by plugin
/// and phase (Kong Enterprise's per-plugin timing). It costs two clock readings and a histogram update per handler.
/// </summary>
public sealed class PluginLatency
{
    private static readonly double[] Buckets = [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private readonly Histogram _histogram;
    private readonly ConcurrentDictionary<(string Plugin, string Phase), Histogram.Child> _children = new();

    internal PluginLatency(MetricFactory factory) =>
        _histogram = factory.CreateHistogram("gateway_plugin_latency_seconds", "Seconds a plugin's phase handler ran, by plugin and phase",
            ["plugin", "phase"], new HistogramConfiguration { Buckets = Buckets });

    /// <summary>Records a handler of <paramref name="plugin"/> in <paramref name="phase"/> that began at <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public void Observe(string plugin, string phase, long started) =>
        _children.GetOrAdd((plugin, phase), key => _histogram.WithLabels(key.Plugin, key.Phase)).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
}

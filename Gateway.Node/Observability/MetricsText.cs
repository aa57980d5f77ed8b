using System.Text;
using Prometheus;

namespace Gateway.Node.Observability;

/// <summary>Prometheus' text format as Kong's exporter writes it.</summary>
public static class MetricsText
{
    /// <summary>Writes every family of <paramref name="registry"/> that has a sample to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(CollectorRegistry registry, Stream output, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer, cancellationToken);
        var families = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        await output.WriteAsync(Encoding.UTF8.GetBytes(WithoutEmptyFamilies(families)), cancellationToken);
    }

    /// <summary>Removes every series of <paramref name="gauge"/>: a scrape that rebuilds the set shows only what exists now.</summary>
    public static void Clear(Gauge gauge)
    {
        foreach (var labels in gauge.GetAllLabelValues().ToArray())
        {
            gauge.RemoveLabelled(labels);
        }
    }

    /// <summary>
    /// Kong's exporter writes a family's HELP and TYPE lines only with its first sample, so a family nothing fed yet
    /// (or a switch left off) is absent from the scrape; prometheus-net writes them always.
    /// </summary>
    public static string WithoutEmptyFamilies(string text)
    {
        var kept = new StringBuilder(text.Length);
        var pending = new StringBuilder();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                pending.Clear();
            }

            if (line.StartsWith('#'))
            {
                pending.Append(line).Append('\n');
                continue;
            }

            kept.Append(pending).Append(line).Append('\n');
            pending.Clear();
        }

        return kept.ToString();
    }
}

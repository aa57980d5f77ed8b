using System.Text;

namespace Gateway.Node.Observability;

/// <summary>Prometheus' text format as Kong's exporter writes it.</summary>
public static class MetricsText
{
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

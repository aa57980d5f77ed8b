namespace Gateway.Node.Observability;

/// <summary>The node's <c>/metrics</c>, served on status_listen and, as Kong's prometheus plugin does, on the Admin API.</summary>
public interface IMetricsScrape
{
    /// <summary>Whether there is a scrape to serve: the prometheus plugin is loaded (in <c>plugins</c>).</summary>
    bool Available { get; }

    /// <summary>Answers 200 with every family in Prometheus' text format: Kong's, then the gateway_ ones.</summary>
    Task WriteAsync(HttpContext context);
}

namespace Gateway.Plugins.Sdk.Tracing;

/// <summary>
/// A plugin that exports the request's spans. While an enabled row of one exists, a node whose
/// tracing_instrumentations is on records spans for every request (<see cref="PluginContext.Trace"/>), and hands each
/// request's ended trace to the rows that ran on it through <see cref="Export"/>, without building a log record.
/// </summary>
public interface ITracingPlugin
{
    /// <summary>
    /// Called once the response completed and the root span ended, on the request's thread, for each of this plugin's
    /// rows that ran on the request: hand the trace to a queue; never block.
    /// </summary>
    void Export(RequestTrace trace, object config);

    /// <summary>Whether this config wants the node's log lines to carry the running request's trace (it exports logs).</summary>
    bool WantsRequestLogs(object config);
}

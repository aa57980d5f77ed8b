namespace Gateway.Plugins.Sdk.Tracing;

/// <summary>
/// Marks a plugin that reads the request's spans (<see cref="PluginContext.Trace"/>, <see cref="PluginLog.Trace"/>):
/// while a row of one is enabled, a node whose tracing_instrumentations is on records spans for every request.
/// </summary>
public interface ITracingPlugin;

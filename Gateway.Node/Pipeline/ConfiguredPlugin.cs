using Gateway.Plugins.Sdk;

namespace Gateway.Node.Pipeline;

/// <summary>One enabled plugin row of a snapshot, its config compiled once for that snapshot.</summary>
/// <param name="Plugin">The plugin that runs it.</param>
/// <param name="Config">What <see cref="IGatewayPlugin.CompileConfig"/> made of the row's config.</param>
/// <param name="Instance">The row's id, instance_name and scope.</param>
public sealed record ConfiguredPlugin(IGatewayPlugin Plugin, object Config, PluginInstance Instance);

namespace Gateway.Plugins.Sdk;

/// <summary>One configured plugin row: its id, <c>instance_name</c> and scope (null where unscoped).</summary>
/// <param name="Id">The plugin row's id.</param>
/// <param name="Name">The plugin's name ("key-auth").</param>
/// <param name="InstanceName">The row's <c>instance_name</c>, if any.</param>
/// <param name="RouteId">The route it is scoped to.</param>
/// <param name="ServiceId">The service it is scoped to.</param>
/// <param name="ConsumerId">The consumer it is scoped to.</param>
public sealed record PluginInstance(string Id, string Name, string? InstanceName, string? RouteId, string? ServiceId, string? ConsumerId);

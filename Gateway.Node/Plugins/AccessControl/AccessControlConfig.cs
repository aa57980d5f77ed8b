namespace Gateway.Node.Plugins.AccessControl;

/// <summary>The access-control config (see <see cref="AccessControlSchema"/>).</summary>
public sealed record AccessControlConfig(AccessRule[] Rules, string DefaultAction, int Status, string Message);

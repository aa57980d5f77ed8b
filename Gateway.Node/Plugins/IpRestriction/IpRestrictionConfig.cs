using System.Net;

namespace Gateway.Node.Plugins.IpRestriction;

/// <summary>The ip-restriction config (see <see cref="IpRestrictionSchema"/>), its ranges parsed once.</summary>
public sealed record IpRestrictionConfig(string[]? Allow, string[]? Deny, double? Status, string? Message)
{
    /// <summary>The allow list, parsed.</summary>
    public IPNetwork[] AllowNetworks { get; init; } = [];

    /// <summary>The deny list, parsed.</summary>
    public IPNetwork[] DenyNetworks { get; init; } = [];
}

namespace Gateway.Schema;

/// <summary>A parsed address: normalized host (IPv4 without leading zeros, IPv6 fully expanded) and optional port.</summary>
public sealed record HostAddress(HostType Type, string Host, int? Port);

using Gateway.Schema;
using Gateway.Storage.Entities;

namespace Gateway.Node.Upstreams;

/// <summary>One target of an upstream at one config version: where to send the request, and its weight.</summary>
public sealed class UpstreamTarget
{
    private readonly bool _checksOn;

    internal UpstreamTarget(string id, string address, int weight, long createdAt, TargetState state, bool checksOn)
    {
        Id = id;
        Address = address;
        Weight = weight;
        CreatedAt = createdAt;
        State = state;
        _checksOn = checksOn;
        var parsed = Typedefs.NormalizeIp(address, out _);
        HostType = parsed?.Type ?? HostType.Name;
        Host = parsed?.Host ?? address;
        Port = parsed?.Port ?? Targets.DefaultPort;
        Authority = parsed is null ? address : Typedefs.FormatHost(parsed, Targets.DefaultPort);
    }

    /// <summary>The target row's id.</summary>
    public string Id { get; }

    /// <summary>The target as stored: <c>host:port</c>, IPv6 in brackets.</summary>
    public string Address { get; }

    /// <summary>The host (name or IP, IPv6 without brackets).</summary>
    public string Host { get; }

    /// <summary>Whether the host is a name or an IPv4/IPv6 address.</summary>
    public HostType HostType { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary><c>host:port</c> ready for a URI authority (IPv6 in brackets): build <c>http://{Authority}</c> once per target.</summary>
    public string Authority { get; }

    /// <summary>The weight; 0 means the target is kept but never picked.</summary>
    public int Weight { get; }

    /// <summary>The row's created_at (whole seconds).</summary>
    public long CreatedAt { get; }

    /// <summary>The long-lived state shared across snapshots.</summary>
    public TargetState State { get; }

    /// <summary>Whether the balancer may pick it: a positive weight, and healthy or health checks off.</summary>
    public bool IsAvailable => Weight > 0 && (!_checksOn || State.Healthy);

    /// <summary>Whether the health checks count it as up (always true when they are off).</summary>
    public bool IsHealthy => !_checksOn || State.Healthy;

    /// <inheritdoc />
    public override string ToString() => Address;
}

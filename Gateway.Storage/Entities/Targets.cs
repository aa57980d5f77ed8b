using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>targets</c> entity: one backend address of an upstream (kong/db/schema/entities/targets.lua).
/// Served only under <c>/upstreams/{u}/targets</c>; timestamps are in milliseconds.
/// </summary>
public static class Targets
{
    /// <summary>The port Kong appends to a target given without one.</summary>
    public const int DefaultPort = 8000;

    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("targets",
    [
        Typedefs.Id(),
        new Field("created_at", FieldType.Number) { Auto = true, Timestamp = true, Milliseconds = true },
        new Field("updated_at", FieldType.Number) { Auto = true, Timestamp = true, Milliseconds = true },
        Typedefs.Foreign("upstream", "upstreams", OnDelete.Cascade, required: true),
        new Field("target", FieldType.String)
        {
            Required = true,
            Custom = Typedefs.StringCheck(ValidateTarget),
            Encode = Format,
            Description = "The target address (ip or hostname) and port. If the hostname resolves to an SRV record, the port value will be overridden by the value from the DNS record.",
        },
        Typedefs.Integer("weight", 100, 0, 65535) with
        {
            Description = "The weight this target gets within the upstream loadbalancer (0-65535).",
        },
        Typedefs.Tags(),
    ])
    {
        EndpointKey = "target",
        CacheKey = ["upstream", "target"],
        TopLevel = false,
    };

    /// <summary>
    /// The stored form of a target, as Kong's targets DAO writes it: the address normalized
    /// (IPv4 without leading zeros, IPv6 expanded and bracketed) with port 8000 when none was given.
    /// </summary>
    public static string Format(string target) =>
        Typedefs.NormalizeIp(target, out _) is { } address ? Typedefs.FormatHost(address, DefaultPort) : target;

    private static string? ValidateTarget(string target) =>
        Typedefs.NormalizeIp(target, out _) is null
            ? $"Invalid target ('{target}'); not a valid hostname or ip address"
            : null;
}

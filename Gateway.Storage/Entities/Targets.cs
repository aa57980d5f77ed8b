using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>targets</c> entity: one backend address of an upstream (kong/db/schema/entities/targets.lua).
/// Served only under <c>/upstreams/{u}/targets</c>; timestamps are seconds with a millisecond fraction (Kong's
/// <c>auto_timestamp_ms</c>).
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
    /// A stored timestamp as seconds. Versions before this one stored targets' timestamps in whole milliseconds; a
    /// value past 10^11 (the year 5138 in seconds) is one of those and is read as seconds, so old rows need no rewrite.
    /// </summary>
    public static double Seconds(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? JsonNumbers.ToDouble(v) is var n && n > 1e11 ? n / 1000 : n
            : 0;

    /// <summary>A stored target as the Admin API shows it: its timestamps in seconds (<see cref="Seconds"/>).</summary>
    public static JsonObject Present(JsonObject row)
    {
        if (!IsLegacy(row["created_at"]) && !IsLegacy(row["updated_at"]))
        {
            return row;
        }

        var shown = (JsonObject)row.DeepClone();
        foreach (var name in (string[])["created_at", "updated_at"])
        {
            if (IsLegacy(shown[name]))
            {
                shown[name] = Seconds(shown[name]);
            }
        }

        return shown;
    }

    private static bool IsLegacy(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && JsonNumbers.ToDouble(v) > 1e11;

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

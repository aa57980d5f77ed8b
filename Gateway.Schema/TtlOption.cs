using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// The <c>ttl</c> of a write on a schema with <see cref="EntitySchema.Ttl"/> (Kong's DAO option, kong/db/dao/init.lua):
/// an integer from 0 to 100000000 seconds, 0 meaning the row never expires. The stored row holds it as seconds after
/// its <c>created_at</c> (null: never), so a row's expiry is <c>created_at + ttl</c> whatever wrote it; the Admin API
/// shows the seconds left, as Kong's database does.
/// </summary>
public static class TtlOption
{
    /// <summary>Kong's DAO_MAX_TTL: a bit over three years, safe from overflow in <c>time() + ttl</c>.</summary>
    public const long Max = 100_000_000;

    /// <summary>Kong's message for a ttl out of bounds or not an integer.</summary>
    public const string Message = "must be an integer between 0 and 100000000";

    /// <summary>Kong's message, or null when the value is a valid ttl (null, given explicitly, clears it).</summary>
    public static string? Error(JsonNode? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return Message;
        }

        var ttl = JsonNumbers.ToDouble(value);
        return ttl != Math.Floor(ttl) || ttl < 0 || ttl > Max ? Message : null;
    }

    /// <summary>
    /// The stored ttl of a row after a write: the given ttl counted from <paramref name="now"/> (from its creation on an
    /// insert), null for 0 or null, or the row's current one when the write gave none.
    /// </summary>
    public static JsonNode? Stored(bool given, JsonNode? value, JsonObject? existing, JsonObject row, DateTimeOffset now)
    {
        if (!given)
        {
            return existing?["ttl"]?.DeepClone();
        }

        if (value is null || JsonNumbers.ToDouble(value) == 0)
        {
            return null;
        }

        var ttl = (long)JsonNumbers.ToDouble(value);
        if (existing is null || row["created_at"] is not JsonValue created)
        {
            return JsonValue.Create(ttl);
        }

        return JsonValue.Create(ttl + (long)Math.Ceiling(now.ToUnixTimeMilliseconds() / 1000.0 - JsonNumbers.ToDouble(created)));
    }

    /// <summary>When the row expires (Unix seconds), or null when it never does.</summary>
    public static double? ExpiresAt(JsonObject row) =>
        row["ttl"] is JsonValue ttl && ttl.GetValueKind() == JsonValueKind.Number && row["created_at"] is JsonValue created
            ? JsonNumbers.ToDouble(created) + JsonNumbers.ToDouble(ttl)
            : null;

    /// <summary>The row as the Admin API shows it: <c>ttl</c> is the whole seconds left (0 once expired), or null.</summary>
    public static JsonObject Present(JsonObject row, DateTimeOffset now)
    {
        var shown = (JsonObject)row.DeepClone();
        shown["ttl"] = ExpiresAt(row) is { } expires
            ? JsonValue.Create((long)Math.Max(0, Math.Floor(expires - (now.ToUnixTimeMilliseconds() / 1000.0))))
            : null;
        return shown;
    }
}

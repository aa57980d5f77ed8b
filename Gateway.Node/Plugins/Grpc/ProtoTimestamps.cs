using System.Globalization;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>
/// <c>google.protobuf.Timestamp</c> as Kong's grpc tools hook it: a date string in (any form a date parses from,
/// UTC unless it says otherwise), whole seconds out as <c>yyyy-MM-ddTHH:mm:ss</c> (Kong's <c>${iso}</c>, no zone).
/// </summary>
public static class ProtoTimestamps
{
    /// <summary>The message's full name.</summary>
    public const string TypeName = "google.protobuf.Timestamp";

    /// <summary>Seconds and nanoseconds since the Unix epoch of a date string.</summary>
    public static (long Seconds, int Nanos) Parse(string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new ProtoJsonException($"expected a time string, got \"{text}\"");
        }

        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
        if (rest < 0)
        {
            // Before the epoch: nanos count forward from the second before, as the Timestamp type wants.
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }

        return (seconds, (int)(rest * 100));
    }

    /// <summary>Kong's text for a timestamp's seconds.</summary>
    public static string Format(long seconds)
    {
        if (seconds < -62135596800 || seconds > 253402300799)
        {
            throw new ProtoJsonException($"timestamp seconds {seconds} out of range");
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
    }
}

using System.Globalization;

namespace Gateway.Storage.Audit;

/// <summary>The times audit filters take, as Kong Enterprise's <c>before</c>/<c>after</c>: epoch seconds or an RFC 3339 date.</summary>
public static class AuditTime
{
    /// <summary>Reads <paramref name="text"/> as epoch seconds (a fraction is cut) or an RFC 3339 date with a time.</summary>
    public static bool TryParse(string text, out long seconds)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) && Math.Abs(number) < 1e15)
        {
            seconds = (long)Math.Floor(number);
            return true;
        }

        if (text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            seconds = date.ToUnixTimeSeconds();
            return true;
        }

        seconds = 0;
        return false;
    }
}

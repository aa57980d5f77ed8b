using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Node.Plugins.StandardWebhooks;

/// <summary>
/// The Standard Webhooks signature as Kong's standard-webhooks computes it (internal.lua's <c>sign</c>):
/// <c>"v1," + base64(HMAC-SHA256(secret, id + "." + timestamp + "." + body))</c>, the secret's own bytes as the key
/// (Kong does not strip or base64-decode a <c>whsec_</c> prefix).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The <c>webhook-signature</c> value Kong expects.</summary>
    public static string Sign(string secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>
    /// Lua's <c>tonumber</c> on the timestamp header, or 0 when it is not a number (which then fails the
    /// tolerance check, as in Kong).
    /// </summary>
    public static double ParseTimestamp(string value) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ts) && double.IsFinite(ts) ? ts : 0;

    /// <summary>
    /// The timestamp as Lua's string concatenation writes the number (<c>%.14g</c>): "1700000000" for an
    /// integral value whatever the header's spelling ("01700000000", "1.7e9"), the signed text Kong checks against.
    /// </summary>
    public static string FormatTimestamp(double ts) =>
        ts == Math.Floor(ts) && Math.Abs(ts) < 1e15 ? ((long)ts).ToString(CultureInfo.InvariantCulture) : ts.ToString("G14", CultureInfo.InvariantCulture);
}

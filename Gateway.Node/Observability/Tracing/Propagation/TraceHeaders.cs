using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Node.Observability.Tracing.Propagation;

/// <summary>What the formats share: reading one header value, ids in hex and decimal, baggage headers.</summary>
internal static class TraceHeaders
{
    private static readonly BigInteger Mask128 = (BigInteger.One << 128) - 1;

    /// <summary>The header's value when it came once; null when absent or repeated (Kong sees a repeated header as a table, not a string).</summary>
    public static string? Single(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    /// <summary>Whether the header came at all (once or more).</summary>
    public static bool Present(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0;

    /// <summary>Every value of a header, each line apart.</summary>
    public static StringValues All(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) ? values : StringValues.Empty;

    /// <summary>Whether <paramref name="text"/> is one or more hex digits (either case, as Lua's <c>%x</c>).</summary>
    public static bool IsHex(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
            return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return true;
    }

    /// <summary>A hex id of up to 32 digits (checked by the caller).</summary>
    public static UInt128 Hex128(ReadOnlySpan<char> hex) =>
        UInt128.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>The low 64 bits of a hex id of any length: Kong keeps a span id's last 8 bytes.</summary>
    public static ulong Hex64(ReadOnlySpan<char> hex) =>
        ulong.Parse(hex.Length > 16 ? hex[^16..] : hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    /// <summary>A decimal id (digits only, surrounding whitespace allowed): its low 128 bits, and whether it fits 64.</summary>
    public static bool TryDecimal(string? text, out UInt128 value, out bool fits64)
    {
        value = 0;
        fits64 = false;
        var digits = text.AsSpan().Trim();
        if (digits.IsEmpty)
            return false;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
                return false;
        }
        var number = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        fits64 = number <= ulong.MaxValue;
        value = (UInt128)(number & Mask128);
        return true;
    }

    /// <summary>The trace id in hex: 16 digits when the format carries 64-bit ids and this one came as 64 bits, else 32.</summary>
    public static string TraceHex(TraceContext context, bool allow64) =>
        allow64 && context.TraceIdIs64Bit ? ((ulong)context.TraceId).ToString("x16", CultureInfo.InvariantCulture) : context.TraceId.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>A span id in 16 hex digits.</summary>
    public static string SpanHex(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>A number in decimal.</summary>
    public static string Decimal(ulong id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Baggage from the headers named <paramref name="prefix"/> + key (key lower-cased, as nginx names headers; value URI-unescaped); null when none.</summary>
    public static IReadOnlyDictionary<string, string>? ReadBaggage(IHeaderDictionary headers, string prefix)
    {
        Dictionary<string, string>? baggage = null;
        foreach (var (name, values) in headers)
        {
            if (values.Count == 0 || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                continue;
            baggage ??= new Dictionary<string, string>(StringComparer.Ordinal);
            baggage[name[prefix.Length..].ToLowerInvariant()] = Unescape(values[^1] ?? "");
        }
        return baggage;
    }

    /// <summary>Writes each baggage item as <paramref name="prefix"/> + key, its value URI-escaped.</summary>
    public static void WriteBaggage(IHeaderDictionary headers, string prefix, IReadOnlyDictionary<string, string>? baggage)
    {
        if (baggage is null)
            return;
        foreach (var (key, value) in baggage)
            headers[prefix + key] = Uri.EscapeDataString(value);
    }

    // ngx.unescape_uri: %XX sequences, and '+' as a space.
    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}

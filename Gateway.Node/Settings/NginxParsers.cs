using System.Globalization;

namespace Gateway.Node.Settings;

/// <summary>Parsers for the settings written as nginx directives' values (times, buffers, connection counts).</summary>
public static class NginxParsers
{
    /// <summary>The connection count <c>auto</c> stands for (Kong's <c>auto</c> reads the file-descriptor limit).</summary>
    public const int AutoConnections = 10_000;

    /// <summary>An nginx time, greater than 0: a number with <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>; a bare number is seconds.</summary>
    public static TimeSpan Time(string raw)
    {
        var value = raw.Trim();
        var digits = value.TrimEnd("mshd".ToCharArray());
        var unit = value[digits.Length..];
        var scale = unit switch
        {
            "" or "s" => TimeSpan.FromSeconds(1),
            "ms" => TimeSpan.FromMilliseconds(1),
            "m" => TimeSpan.FromMinutes(1),
            "h" => TimeSpan.FromHours(1),
            "d" => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (scale == TimeSpan.Zero || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count <= 0 || count > TimeSpan.MaxValue / scale / 2)
        {
            throw new FormatException($"'{value}' is not a time greater than 0 (such as 500ms, 60s, 5m or 1h)");
        }

        return scale * count;
    }

    /// <summary>A buffer size: an nginx size from 1 byte to 1g.</summary>
    public static int BufferSize(string raw)
    {
        var size = SettingParsers.Size(raw);
        return size is > 0 and <= 1024 * 1024 * 1024
            ? (int)size
            : throw new FormatException($"'{raw.Trim()}' must be between 1 and 1g");
    }

    /// <summary><c>number size</c>, as nginx's large_client_header_buffers (<c>4 8k</c>).</summary>
    public static HeaderBuffers HeaderBuffers(string raw)
    {
        var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw new FormatException($"'{raw.Trim()}' is not '<number> <size>' (such as 4 8k)");
        }

        return new HeaderBuffers(number, BufferSize(parts[1]));
    }

    /// <summary>A connection count of at least 1, or <c>auto</c> (<see cref="AutoConnections"/>).</summary>
    public static int Connections(string raw) =>
        raw.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? AutoConnections : SettingParsers.Integer(raw, min: 1);
}

using System.Globalization;
using System.Net;

namespace StreamLoad;

/// <summary>The command line, checked: bounded counts and durations, loopback addresses only.</summary>
internal sealed record Options(
    string Command,
    int Port,
    IPEndPoint Target,
    int Concurrency,
    TimeSpan Duration,
    int Chunk,
    long MaxBytes,
    int MaxConnections)
{
    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args.Length % 2 == 0)
        {
            throw new ArgumentException("expected a command and --name value pairs");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || !values.TryAdd(args[i][2..], args[i + 1]))
            {
                throw new ArgumentException($"bad or repeated option '{args[i]}'");
            }
        }

        var command = args[0];
        var known = command == "echo" ? ["port"] : new[] { "target", "concurrency", "seconds", "chunk", "max-mb", "max-connections" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"unknown option '--{unknown}' for {command}");
        }

        if (command == "echo")
        {
            return new Options(command, Int(values, "port", null, 1, 65535), new IPEndPoint(IPAddress.Loopback, 0), 0, TimeSpan.Zero, 0, 0, 0);
        }

        var seconds = double.Parse(Required(values, "seconds"), CultureInfo.InvariantCulture);
        if (seconds is < 0.1 or > 600)
        {
            throw new ArgumentException("--seconds must be between 0.1 and 600");
        }

        return new Options(
            command,
            0,
            Endpoint(Required(values, "target")),
            Int(values, "concurrency", null, 1, 4096),
            TimeSpan.FromSeconds(seconds),
            Int(values, "chunk", 16384, 1, 1 << 20),
            Int(values, "max-mb", 65536, 1, 1 << 20) * 1_000_000L,
            Int(values, "max-connections", 2_000_000, 1, 10_000_000));
    }

    private static string Required(Dictionary<string, string> values, string name) =>
        values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");

    private static int Int(Dictionary<string, string> values, string name, int? fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback ?? throw new ArgumentException($"--{name} is required");
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"--{name} must be an integer between {min} and {max}");
    }

    private static IPEndPoint Endpoint(string text)
    {
        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0 || !IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"--target must be a loopback address with a port, not '{text}'");
        }

        return endpoint;
    }
}

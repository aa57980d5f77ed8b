using System.Net;

namespace OpenLoop;

/// <summary>The command line: a loopback http:// URL, a total rate, connections, a bounded duration after a warm-up, extra headers.</summary>
internal sealed record Options(Uri Url, double Rate, int Connections, double Seconds, double Warmup, IReadOnlyList<string> Headers)
{
    private const double MaxSeconds = 300;

    public static Options Parse(string[] args)
    {
        Uri? url = null;
        double rate = 0, seconds = 10, warmup = 1;
        var connections = 32;
        var headers = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--url": url = new Uri(value); break;
                case "--rate": rate = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--connections": connections = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--header": headers.Add(value); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
            i++;
        }
        if (url is null || url.Scheme != "http")
            throw new ArgumentException("--url http://127.0.0.1:PORT/PATH is required (plain HTTP only)");
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"{url.Host} is not a loopback address");
        if (rate <= 0 || connections <= 0 || seconds <= 0 || seconds > MaxSeconds || warmup < 0 || warmup > MaxSeconds)
            throw new ArgumentException($"--rate and --connections must be positive, --seconds in (0, {MaxSeconds}], --warmup in [0, {MaxSeconds}]");
        return new Options(url, rate, connections, seconds, warmup, headers);
    }
}

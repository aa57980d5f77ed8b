using System.Globalization;

namespace Gateway.Tests.Support;

/// <summary>Reads samples out of a Prometheus text scrape.</summary>
public static class MetricsText
{
    /// <summary>
    /// The value of the sample whose name and labels start <paramref name="series"/> (<c>name</c> alone takes the first
    /// sample of that name, whatever its labels); fails the test when there is none.
    /// </summary>
    public static double Sample(string scrape, string series)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith(series, StringComparison.Ordinal) && line.Length > series.Length && line[series.Length] is ' ' or '{' or ',')
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"no sample {series} in:\n{scrape}");
        return 0;
    }
}

using System.Text;
using Gateway.Node.Routing;

namespace Gateway.Fuzz;

/// <summary>
/// <see cref="UriNormalizer"/> on the input read as a request path (UTF-8, as Kestrel hands it over).
/// Neither method documents an exception: any is a crash.
/// </summary>
internal static class UriNormalizerHarness
{
    /// <summary>Normalises the path as the router does, and escapes it both ways the proxy does.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        var path = Encoding.UTF8.GetString(input);
        var normalized = UriNormalizer.Normalize(path);
        _ = UriNormalizer.Escape(normalized);
        _ = UriNormalizer.Escape(path);
    }
}

using Gateway.Node.Routing;

namespace Gateway.Tests.Node.Routing;

/// <summary>The path rule Kong's kong/tools/uri.lua applies before routing, on the inputs path-traversal probes use.</summary>
public sealed class UriNormalizerTests
{
    [Theory]
    [InlineData("/a/..%2fb", "/a/..%2Fb")] // an encoded slash is reserved: one segment, never a parent
    [InlineData("/a/%2e%2e/b", "/b")] // an encoded dot is unreserved: decoded first, then a dot segment
    [InlineData("/a/.%2E/b", "/b")]
    [InlineData("/a/%2e%2e%2fb", "/a/..%2Fb")]
    [InlineData("/a%5c..%5cb", "/a\\..\\b")] // a backslash is no separator
    public void Normalize_EncodedTraversal_AsKong(string raw, string normalized) =>
        Assert.Equal(normalized, UriNormalizer.Normalize(raw));

    [Theory]
    [InlineData("/a%c0%afb", "/a%C0%AFb")] // overlong "/"
    [InlineData("/a/%c0%ae%c0%ae/b", "/a/%C0%AE%C0%AE/b")] // overlong ".."
    [InlineData("/%e0%80%af", "/%E0%80%AF")] // three-byte overlong "/"
    [InlineData("/x%ffy", "/x%FFy")] // a byte that never starts UTF-8
    [InlineData("/%c3%a9%ff", "/é%FF")] // valid text decoded, the invalid byte kept
    [InlineData("/%c3", "/%C3")] // a truncated sequence
    public void Normalize_InvalidUtf8_StaysEncoded(string raw, string normalized) =>
        Assert.Equal(normalized, UriNormalizer.Normalize(raw));

    [Theory]
    [InlineData("/a%c0%afb", "/a%C0%AFb")]
    [InlineData("/x%ffy", "/x%FFy")]
    [InlineData("/%c3%a9%ff", "/%C3%A9%FF")]
    public void NormalizeThenEscape_InvalidUtf8_ReachesUpstreamAsSent(string raw, string upstream) =>
        Assert.Equal(upstream, UriNormalizer.Escape(UriNormalizer.Normalize(raw)));
}

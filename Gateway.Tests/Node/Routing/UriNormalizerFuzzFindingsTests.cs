using Gateway.Node.Routing;

namespace Gateway.Tests.Node.Routing;

/// <summary>Paths the normaliser and router fuzz harnesses (infra/fuzz) found crashing the normaliser, kept as regressions.</summary>
public sealed class UriNormalizerFuzzFindingsTests
{
    [Theory]
    [InlineData("/api/./v1/../us\uFFFD\uFFFDs//42/%2es?q=1", "/api/us\uFFFD\uFFFDs/42/.s?q=1")] // the fuzzer's find (invalid UTF-8 read as U+FFFD)
    [InlineData("/files/a/../b%\uFFFDFc", "/files/b%\uFFFDFc")] // the router harness's find
    [InlineData("/\u00e9\u00e9\u00e9abc%25", "/\u00e9\u00e9\u00e9abc%25")] // an absolute-form target: Kestrel's decoded path
    [InlineData("/\U0001F600/%41", "/\U0001F600/A")] // a surrogate pair stays one character
    public void Normalize_NonAsciiBesidePercentTriplets_KeepsEveryCharacter(string path, string normalized)
    {
        // Non-ASCII characters take more UTF-8 bytes than chars: the decode buffer overflowed (IndexOutOfRangeException).
        Assert.Equal(normalized, UriNormalizer.Normalize(path));
    }

    [Fact]
    public void Match_PathThatOverflowedTheDecoder_IsRouted()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/files"]}""");

        var match = config.Build().Match(RouteConfig.Request(path: "/files/\u00e9\u00e9\u00e9/%7e"));

        Assert.Equal("/\u00e9\u00e9\u00e9/~", match?.UpstreamPath);
    }
}

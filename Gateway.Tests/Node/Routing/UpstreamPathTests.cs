namespace Gateway.Tests.Node.Routing;

/// <summary>Kong's "slash handling" table (spec/01-unit/08-router_spec.lua), path_handling v0.</summary>
public sealed class UpstreamPathTests
{
    public static TheoryData<string, string, string, string, bool> SlashHandling => new()
    {
        // service path, route path, request path, upstream path, strip_path
        { "/", "/", "/", "/", true },
        { "/", "/", "/foo/bar", "/foo/bar", true },
        { "/", "/", "/foo/bar/", "/foo/bar/", true },
        { "/", "/foo/bar", "/foo/bar", "/", true },
        { "/", "/foo/bar/", "/foo/bar/", "/", true },
        { "/fee/bor", "/", "/", "/fee/bor", true },
        { "/fee/bor", "/", "/foo/bar", "/fee/bor/foo/bar", true },
        { "/fee/bor", "/", "/foo/bar/", "/fee/bor/foo/bar/", true },
        { "/fee/bor", "/foo/bar", "/foo/bar", "/fee/bor", true },
        { "/fee/bor", "/foo/bar/", "/foo/bar/", "/fee/bor/", true },
        { "/fee/bor/", "/", "/", "/fee/bor/", true },
        { "/fee/bor/", "/", "/foo/bar", "/fee/bor/foo/bar", true },
        { "/fee/bor/", "/", "/foo/bar/", "/fee/bor/foo/bar/", true },
        { "/fee/bor/", "/foo/bar", "/foo/bar", "/fee/bor", true },
        { "/fee/bor/", "/foo/bar/", "/foo/bar/", "/fee/bor/", true },
        { "/", "/", "/", "/", false },
        { "/", "/", "/foo/bar", "/foo/bar", false },
        { "/", "/", "/foo/bar/", "/foo/bar/", false },
        { "/", "/foo/bar", "/foo/bar", "/foo/bar", false },
        { "/", "/foo/bar/", "/foo/bar/", "/foo/bar/", false },
        { "/fee/bor", "/", "/", "/fee/bor", false },
        { "/fee/bor", "/", "/foo/bar", "/fee/bor/foo/bar", false },
        { "/fee/bor", "/", "/foo/bar/", "/fee/bor/foo/bar/", false },
        { "/fee/bor", "/foo/bar", "/foo/bar", "/fee/bor/foo/bar", false },
        { "/fee/bor", "/foo/bar/", "/foo/bar/", "/fee/bor/foo/bar/", false },
        { "/fee/bor/", "/", "/", "/fee/bor/", false },
        { "/fee/bor/", "/", "/foo/bar", "/fee/bor/foo/bar", false },
        { "/fee/bor/", "/", "/foo/bar/", "/fee/bor/foo/bar/", false },
        { "/fee/bor/", "/foo/bar", "/foo/bar", "/fee/bor/foo/bar", false },
        { "/fee/bor/", "/foo/bar/", "/foo/bar/", "/fee/bor/foo/bar/", false },
        { "/", "/", "/foo/bars", "/foo/bars", true },
        { "/", "/", "/foo/bar/s", "/foo/bar/s", true },
        { "/", "/foo/bar", "/foo/bars", "/s", true },
        { "/", "/foo/bar/", "/foo/bar/s", "/s", true },
        { "/fee/bor", "/", "/foo/bars", "/fee/bor/foo/bars", true },
        { "/fee/bor", "/", "/foo/bar/s", "/fee/bor/foo/bar/s", true },
        { "/fee/bor", "/foo/bar", "/foo/bars", "/fee/bor/s", true },
        { "/fee/bor", "/foo/bar/", "/foo/bar/s", "/fee/bor/s", true },
        { "/fee/bor/", "/", "/foo/bars", "/fee/bor/foo/bars", true },
        { "/fee/bor/", "/", "/foo/bar/s", "/fee/bor/foo/bar/s", true },
        { "/fee/bor/", "/foo/bar", "/foo/bars", "/fee/bor/s", true },
        { "/fee/bor/", "/foo/bar/", "/foo/bar/s", "/fee/bor/s", true },
        { "/", "/", "/foo/bars", "/foo/bars", false },
        { "/", "/", "/foo/bar/s", "/foo/bar/s", false },
        { "/", "/foo/bar", "/foo/bars", "/foo/bars", false },
        { "/", "/foo/bar/", "/foo/bar/s", "/foo/bar/s", false },
        { "/fee/bor", "/", "/foo/bars", "/fee/bor/foo/bars", false },
        { "/fee/bor", "/", "/foo/bar/s", "/fee/bor/foo/bar/s", false },
        { "/fee/bor", "/foo/bar", "/foo/bars", "/fee/bor/foo/bars", false },
        { "/fee/bor", "/foo/bar/", "/foo/bar/s", "/fee/bor/foo/bar/s", false },
        { "/fee/bor/", "/", "/foo/bars", "/fee/bor/foo/bars", false },
        { "/fee/bor/", "/", "/foo/bar/s", "/fee/bor/foo/bar/s", false },
        { "/fee/bor/", "/foo/bar", "/foo/bars", "/fee/bor/foo/bars", false },
        { "/fee/bor/", "/foo/bar/", "/foo/bar/s", "/fee/bor/foo/bar/s", false },
    };

    [Theory]
    [MemberData(nameof(SlashHandling))]
    public void Match_SlashHandling_JoinsAsKong(string servicePath, string routePath, string requestPath, string expected, bool strip)
    {
        var config = new RouteConfig();
        config.Route($$"""{"paths":["{{routePath}}"],"strip_path":{{(strip ? "true" : "false")}}}""", config.Service(servicePath));

        var match = config.Build().Match(RouteConfig.Request(requestPath, "domain.org"));

        Assert.NotNull(match);
        Assert.Equal(expected, match.UpstreamPath);
    }

    [Fact]
    public void Match_NoServicePath_StartsAtRoot()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/api"]}""", config.Service(path: null));

        Assert.Equal("/users", config.Build().Match(RouteConfig.Request("/api/users"))!.UpstreamPath);
        Assert.Equal("/", config.Build().Match(RouteConfig.Request("/api"))!.UpstreamPath);
    }

    [Fact]
    public void Match_RegexPathWithStripPath_StripsTheMatchedText()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["~/users/\\d+"]}""", config.Service("/svc"));

        var match = config.Build().Match(RouteConfig.Request("/users/42/orders"))!;

        Assert.Equal("/users/42", match.MatchedPath);
        Assert.Equal("/users/42", match.StrippedPrefix);
        Assert.Equal("/svc/orders", match.UpstreamPath);
    }

    [Theory]
    [InlineData("/fee/bor", "/foo", "/foo/bar", true, "/fee/bor/bar")]
    [InlineData("/fee/bor/", "/foo", "/foo/bar", true, "/fee/bor/bar")]
    [InlineData("/fee/bor", "/foo", "/foos", true, "/fee/bors")]
    [InlineData("/fee/bor", "/foo", "/foo/bar", false, "/fee/borfoo/bar")]
    [InlineData("/fee/bor/", "/foo", "/foo/bar", false, "/fee/bor/foo/bar")]
    public void Match_PathHandlingV1UnderTraditional_Concatenates(string servicePath, string routePath, string requestPath, bool strip, string expected)
    {
        var config = new RouteConfig();
        config.Route($$"""{"paths":["{{routePath}}"],"strip_path":{{(strip ? "true" : "false")}},"path_handling":"v1"}""", config.Service(servicePath));

        Assert.Equal(expected, config.Build(v1: true).Match(RouteConfig.Request(requestPath))!.UpstreamPath);
    }

    [Fact]
    public void Match_PathHandlingV1UnderTraditionalCompatible_JoinsAsV0()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/foo"],"strip_path":true,"path_handling":"v1"}""", config.Service("/fee/bor"));

        Assert.Equal("/fee/bor/s", config.Build().Match(RouteConfig.Request("/foos"))!.UpstreamPath);
    }
}

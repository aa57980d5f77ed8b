using Gateway.Node.Routing;

namespace Gateway.Tests.Node.Routing;

/// <summary>
/// Cases from Kong's spec/01-unit/08-router_spec.lua ("select()" on its use_case table, wildcard
/// hosts, edge cases), written with 3.x path syntax.
/// </summary>
public sealed class KongRouterSpecTests
{
    private static readonly (RouteTable Table, string[] Ids) UseCase = BuildUseCase();

    private static readonly (RouteTable Table, string[] Ids) Wildcards = BuildWildcards();

    [Theory]
    [InlineData("GET", "/", "domain-1.org", 1)]
    [InlineData("GET", "/", "domain-1.org:123", 1)]
    [InlineData("GET", "/my-route", "domain.org", 3)]
    [InlineData("GET", "/my-route-uri", "", 3)]
    [InlineData("TRACE", "/", "domain.org", 2)]
    [InlineData("GET", "/route-4", "domain-1.org", 4)]
    [InlineData("POST", "/", "domain-1.org", 5)]
    [InlineData("PUT", "/route-6", "domain.org", 6)]
    [InlineData("PUT", "/my-route-uri", "domain-with-uri-2.org", 7)]
    [InlineData("GET", "/my-route/some/path", "domain.org", 3)]
    [InlineData("TRACE", "/", "domain-2.org", 1)]
    [InlineData("TRACE", "/my-route", "domain.org", 3)]
    public void Select_UseCase(string method, string path, string host, int expected)
    {
        var match = UseCase.Table.Match(RouteConfig.Request(path, host, method));

        Assert.NotNull(match);
        Assert.Equal(UseCase.Ids[expected - 1], match.Route.Id);
    }

    [Fact]
    public void Select_UseCase_NoMatch()
    {
        Assert.Null(UseCase.Table.Match(RouteConfig.Request("/", "domain.org", "GET")));
    }

    [Theory]
    [InlineData("route.com", 4)]
    [InlineData("route.org", 3)]
    [InlineData("plain.route.com", 1)]
    [InlineData("foo.route.com", 2)]
    public void Select_WildcardHosts_DoNotTakePrecedenceOverPlainHosts(string host, int expected)
    {
        Assert.Equal(Wildcards.Ids[expected - 1], Wildcards.Table.Match(RouteConfig.Request("/", host))!.Route.Id);
    }

    [Theory]
    [InlineData("/my-route/hello", 1)]
    [InlineData("/my-route/hello/world", 1)]
    [InlineData("/my-route", 2)]
    [InlineData("/my-route/world", 2)]
    public void Select_LongerPrefix_NotSupersededByShorter(string path, int expected)
    {
        var config = new RouteConfig();
        string[] ids =
        [
            config.Route("""{"paths":["/my-route/hello"],"methods":["POST","PUT","GET"],"hosts":["domain.org"]}"""),
            config.Route("""{"paths":["/my-route"],"methods":["POST","PUT","GET"],"hosts":["domain.org"]}"""),
        ];

        Assert.Equal(ids[expected - 1], config.Build().Match(RouteConfig.Request(path, "domain.org"))!.Route.Id);
    }

    [Fact]
    public void Select_RegexAmongRegexes_FirstCreatedThatMatches()
    {
        var config = new RouteConfig();
        string[] ids =
        [
            config.Route("""{"paths":["~/route/persons/\\d{3}"]}"""),
            config.Route("""{"paths":["~/route/persons/\\d{3}/following"]}"""),
            config.Route("""{"paths":["~/route/persons/\\d{3}/[a-z]+"]}"""),
        ];

        Assert.Equal(ids[0], config.Build().Match(RouteConfig.Request("/route/persons/456"))!.Route.Id);
    }

    [Fact]
    public void Select_WildcardHostWithRegexAndPrefix()
    {
        var config = new RouteConfig();
        var regex = config.Route("""{"paths":["~/users/\\d+/profile"],"hosts":["*.example.com"]}""");
        var prefix = config.Route("""{"paths":["/users"],"hosts":["*.example.com"]}""");
        var table = config.Build();

        Assert.Equal(regex, table.Match(RouteConfig.Request("/users/123/profile", "test.example.com"))!.Route.Id);
        Assert.Equal(prefix, table.Match(RouteConfig.Request("/users", "test.example.com"))!.Route.Id);
    }

    [Fact]
    public void Select_WildcardOrPlainHostWithPathAndMethods()
    {
        var config = new RouteConfig();
        var id = config.Route("""{"paths":["/path"],"methods":["GET","TRACE"],"hosts":["*.domain.com","example.com"]}""");
        var table = config.Build();

        Assert.Null(table.Match(RouteConfig.Request("/path", "foo.domain.com", "POST")));
        Assert.Equal(id, table.Match(RouteConfig.Request("/path", "foo.domain.com", "GET"))!.Route.Id);
        Assert.Equal(id, table.Match(RouteConfig.Request("/path", "example.com", "TRACE"))!.Route.Id);
    }

    [Fact]
    public void Select_PrefixIsAnchored()
    {
        var config = new RouteConfig();
        var first = config.Route("""{"paths":["/something/my-route"]}""");
        config.Route("""{"paths":["/my-route"],"hosts":["example.com"]}""");

        Assert.Equal(first, config.Build().Match(RouteConfig.Request("/something/my-route", "example.com"))!.Route.Id);
    }

    private static (RouteTable, string[]) BuildUseCase()
    {
        var config = new RouteConfig();
        string[] ids =
        [
            config.Route("""{"hosts":["domain-1.org","domain-2.org"]}"""),
            config.Route("""{"methods":["TRACE"]}"""),
            config.Route("""{"paths":["/my-route"]}"""),
            config.Route("""{"paths":["/route-4"],"hosts":["domain-1.org","domain-2.org"]}"""),
            config.Route("""{"methods":["POST","PUT","PATCH"],"hosts":["domain-1.org","domain-2.org"]}"""),
            config.Route("""{"methods":["POST","PUT","PATCH"],"paths":["/route-6"]}"""),
            config.Route("""{"methods":["POST","PUT","PATCH"],"paths":["/my-route-uri"],"hosts":["domain-with-uri-1.org","domain-with-uri-2.org"]}"""),
        ];
        return (config.Build(), ids);
    }

    private static (RouteTable, string[]) BuildWildcards()
    {
        var config = new RouteConfig();
        string[] ids =
        [
            config.Route("""{"hosts":["plain.route.com"]}"""),
            config.Route("""{"hosts":["*.route.com"]}"""),
            config.Route("""{"hosts":["route.*"]}"""),
            config.Route("""{"hosts":["route.com"]}"""),
        ];
        return (config.Build(), ids);
    }
}

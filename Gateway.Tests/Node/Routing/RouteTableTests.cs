using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Node.Config;
using Gateway.Node.Routing;
using Gateway.Storage.Snapshot;

namespace Gateway.Tests.Node.Routing;

public sealed class RouteTableTests
{
    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.com", true)]
    [InlineData("example.com", "example.com:8000", true)]
    [InlineData("example.com", "example.org", false)]
    [InlineData("example.com", "www.example.com", false)]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("example.*", "example.org", true)]
    [InlineData("example.*", "example.co.uk", true)]
    [InlineData("example.*", "api.example.org", false)]
    [InlineData("example.com:8080", "example.com:8080", true)]
    [InlineData("example.com:8080", "example.com:9090", false)]
    [InlineData("example.com:8000", "example.com", true)]
    [InlineData("example.com:8080", "example.com", false)]
    [InlineData("*.example.com:8080", "a.example.com:8080", true)]
    [InlineData("*.example.com:8080", "a.example.com:8000", false)]
    public void Match_Hosts_AsKong(string routeHost, string requestHost, bool matches)
    {
        var config = new RouteConfig();
        config.Route($$"""{"hosts":["{{routeHost}}"]}""");

        // Without a port in Host, the request's local port (8000 here) is the one checked.
        Assert.Equal(matches, config.Build().Match(RouteConfig.Request(host: requestHost, localPort: 8000)) is not null);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("POST", true)]
    [InlineData("PUT", false)]
    public void Match_Methods_OnlyListed(string method, bool matches)
    {
        var config = new RouteConfig();
        config.Route("""{"methods":["GET","POST"]}""");

        Assert.Equal(matches, config.Build().Match(RouteConfig.Request(method: method)) is not null);
    }

    [Theory]
    [InlineData(new[] { "version: v1" }, true)]
    [InlineData(new[] { "Version: V1" }, true)]
    [InlineData(new[] { "version: v2" }, true)]
    [InlineData(new[] { "version: v3" }, false)]
    [InlineData(new string[0], false)]
    public void Match_HeaderValues_CaseInsensitive(string[] headers, bool matches)
    {
        var config = new RouteConfig();
        config.Route("""{"headers":{"version":["v1","V2"]}}""");

        Assert.Equal(matches, config.Build().Match(RouteConfig.Request(headers: headers)) is not null);
    }

    [Theory]
    [InlineData("x-user: alice-42", true)]
    [InlineData("x-user: ALICE-7", true)]
    [InlineData("x-user: bob-42", false)]
    public void Match_HeaderRegex_MatchesLowerCased(string header, bool matches)
    {
        var config = new RouteConfig();
        config.Route("""{"headers":{"x-user":["~*^alice-\\d+$"]}}""");

        Assert.Equal(matches, config.Build().Match(RouteConfig.Request(headers: [header])) is not null);
    }

    [Fact]
    public void Match_SeveralHeaders_AllRequired()
    {
        var config = new RouteConfig();
        config.Route("""{"headers":{"a":["1"],"b":["2"]}}""");
        var table = config.Build();

        Assert.NotNull(table.Match(RouteConfig.Request(headers: ["a: 1", "b: 2"])));
        Assert.Null(table.Match(RouteConfig.Request(headers: ["a: 1"])));
    }

    [Fact]
    public void Match_Snis_OnlyCheckedOnHttps()
    {
        var config = new RouteConfig();
        config.Route("""{"snis":["sni.example.com"],"protocols":["https"]}""");
        var table = config.Build();

        Assert.NotNull(table.Match(RouteConfig.Request(https: true, sni: "sni.example.com")));
        Assert.NotNull(table.Match(RouteConfig.Request(https: true, sni: "sni.example.com.")));
        Assert.Null(table.Match(RouteConfig.Request(https: true, sni: "other.example.com")));
        Assert.Null(table.Match(RouteConfig.Request(https: true, sni: null)));

        // Kong #6425: on plain HTTP the snis criterion is ignored (the runloop then answers 426).
        Assert.NotNull(table.Match(RouteConfig.Request(https: false)));
    }

    [Theory]
    [InlineData("/foo", true)]
    [InlineData("/foo/bar", true)]
    [InlineData("/foobar", true)]
    [InlineData("/fo", false)]
    [InlineData("/bar/foo", false)]
    public void Match_PrefixPath_IsAPlainStringPrefix(string path, bool matches)
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/foo"]}""");

        Assert.Equal(matches, config.Build().Match(RouteConfig.Request(path)) is not null);
    }

    [Theory]
    [InlineData("/users/123/profile", true)]
    [InlineData("/users/abc/profile", false)]
    [InlineData("/api/users/123/profile", false)]
    public void Match_RegexPath_AnchoredAtStart(string path, bool matches)
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["~/users/\\d+/profile"]}""");

        Assert.Equal(matches, config.Build().Match(RouteConfig.Request(path)) is not null);
    }

    [Fact]
    public void Match_RegexPath_NamedAndNumberedCapturesInPcreOrder()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["~/(?<version>v\\d+)/(\\w+)/(?<id>\\d+)(/extra)?"]}""");

        var captures = config.Build().Match(RouteConfig.Request("/v2/users/17"))!.Captures!;

        Assert.Equal(["/v2/users/17", "v2", "users", "17", null], captures.Numbered);
        Assert.Equal("v2", captures.Named["version"]);
        Assert.Equal("17", captures.Named["id"]);
        Assert.Equal(2, captures.Named.Count);
    }

    [Fact]
    public void Match_PrefixPath_HasNoCaptures()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/a"]}""");

        Assert.Null(config.Build().Match(RouteConfig.Request("/a/b"))!.Captures);
    }

    [Theory]
    [InlineData("/%61%62c", "/abc")]
    [InlineData("/a/./b/../c", "/a/c")]
    [InlineData("/a//b///c", "/a/b/c")]
    [InlineData("/a%2fb", "/a%2Fb")]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/%2e%2e/admin", "/admin")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/", "/")]
    public void Normalize_AsKong(string raw, string normalized) =>
        Assert.Equal(normalized, UriNormalizer.Normalize(raw));

    [Theory]
    [InlineData("/abc", "/abc")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/a%2Fb", "/a%2Fb")]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/a\"b<c>", "/a%22b%3Cc%3E")]
    public void Escape_AsKong(string path, string escaped) =>
        Assert.Equal(escaped, UriNormalizer.Escape(path));

    [Fact]
    public void Match_NormalizedPath_MatchesEncodedRequest()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/admin"]}""");

        Assert.NotNull(config.Build().Match(RouteConfig.Request("/public/../%61dmin")));
    }

    [Fact]
    public void Priority_MoreFieldsWin()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/"]}""", createdAt: 1);
        var both = config.Route("""{"paths":["/"],"methods":["GET"]}""", createdAt: 2);

        Assert.Equal(both, config.Build().Match(RouteConfig.Request())!.Route.Id);
    }

    [Fact]
    public void Priority_PlainHostBeatsWildcard()
    {
        var config = new RouteConfig();
        config.Route("""{"hosts":["*.example.com"]}""", createdAt: 1);
        var plain = config.Route("""{"hosts":["api.example.com"]}""", createdAt: 2);

        Assert.Equal(plain, config.Build().Match(RouteConfig.Request(host: "api.example.com"))!.Route.Id);
    }

    [Fact]
    public void Priority_MoreHeadersWin()
    {
        var config = new RouteConfig();
        config.Route("""{"headers":{"a":["1"]}}""", createdAt: 1);
        var two = config.Route("""{"headers":{"a":["1"],"b":["2"]}}""", createdAt: 2);

        Assert.Equal(two, config.Build().Match(RouteConfig.Request(headers: ["a: 1", "b: 2"]))!.Route.Id);
    }

    [Fact]
    public void Priority_RegexBeatsPrefixOfAnyLength()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/users/123/long/prefix"]}""", createdAt: 1);
        var regex = config.Route("""{"paths":["~/users/\\d+"]}""", createdAt: 2);

        Assert.Equal(regex, config.Build().Match(RouteConfig.Request("/users/123/long/prefix"))!.Route.Id);
    }

    [Fact]
    public void Priority_RegexPriorityOrdersRegexRoutes()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["~/a/.*"],"regex_priority":1}""", createdAt: 1);
        var high = config.Route("""{"paths":["~/a/b"],"regex_priority":5}""", createdAt: 2);

        Assert.Equal(high, config.Build().Match(RouteConfig.Request("/a/b"))!.Route.Id);
    }

    [Fact]
    public void Priority_LongerPrefixWins()
    {
        var config = new RouteConfig();
        config.Route("""{"hosts":["route.com"],"paths":["/root"]}""", createdAt: 1);
        var longer = config.Route("""{"hosts":["route.com"],"paths":["/root/fixture"]}""", createdAt: 2);

        Assert.Equal(longer, config.Build().Match(RouteConfig.Request("/root/fixture/get", "route.com"))!.Route.Id);
    }

    [Fact]
    public void Priority_EqualPriority_OldestCreatedAtWins()
    {
        var config = new RouteConfig();
        var newer = config.Route("""{"paths":["/same"]}""", createdAt: 200);
        var older = config.Route("""{"paths":["/same"]}""", createdAt: 100);
        var table = config.Build();

        Assert.Equal(older, table.Match(RouteConfig.Request("/same"))!.Route.Id);
        Assert.NotEqual(newer, older);
    }

    [Fact]
    public void Priority_MixedPathsSplit_EachPathKeepsItsOwnPriority()
    {
        // One route with a short prefix and a regex: the regex part outranks a longer prefix route,
        // the short prefix part does not.
        var config = new RouteConfig();
        var mixed = config.Route("""{"paths":["/a","~/r/\\d+"]}""", createdAt: 1);
        var longer = config.Route("""{"paths":["/a/long"]}""", createdAt: 2);
        var table = config.Build();

        Assert.Equal(3, table.EntryCount);
        Assert.Equal(longer, table.Match(RouteConfig.Request("/a/long/x"))!.Route.Id);
        Assert.Equal(mixed, table.Match(RouteConfig.Request("/a/other"))!.Route.Id);
        Assert.Equal(mixed, table.Match(RouteConfig.Request("/r/12"))!.Route.Id);
    }

    [Fact]
    public void Priority_HostIndexedAndGeneralRoutes_KeepGlobalOrder()
    {
        var config = new RouteConfig();
        var hostOnly = config.Route("""{"hosts":["a.test"]}""", createdAt: 1);
        var hostAndPath = config.Route("""{"hosts":["a.test"],"paths":["/x"]}""", createdAt: 2);
        var wildcardHostAndPath = config.Route("""{"hosts":["*.test"],"paths":["/x"]}""", createdAt: 3);
        var table = config.Build();

        Assert.Equal(hostAndPath, table.Match(RouteConfig.Request("/x", "a.test"))!.Route.Id);
        Assert.Equal(hostOnly, table.Match(RouteConfig.Request("/y", "a.test"))!.Route.Id);
        Assert.Equal(wildcardHostAndPath, table.Match(RouteConfig.Request("/x", "b.test"))!.Route.Id);
        Assert.Null(table.Match(RouteConfig.Request("/y", "b.test")));
    }

    [Fact]
    public void Priority_SegmentIndexedHostIndexedAndGeneralRoutes_KeepGlobalOrder()
    {
        var config = new RouteConfig();
        var keyed = config.Route("""{"paths":["/api/v1"]}""", createdAt: 1);
        var keyedRegex = config.Route("""{"paths":["~/api/v2/\\d+"]}""", createdAt: 2);
        var shortPrefix = config.Route("""{"paths":["/api"]}""", createdAt: 3);
        var generalRegex = config.Route("""{"paths":["~/a.*/v3"]}""", createdAt: 4);
        var hostAndPath = config.Route("""{"hosts":["h.test"],"paths":["/api"]}""", createdAt: 5);
        var table = config.Build();

        Assert.Equal(keyed, table.Match(RouteConfig.Request("/api/v1/x"))!.Route.Id);
        Assert.Equal(keyedRegex, table.Match(RouteConfig.Request("/api/v2/7"))!.Route.Id);
        Assert.Equal(shortPrefix, table.Match(RouteConfig.Request("/api/v2/x"))!.Route.Id);
        Assert.Equal(shortPrefix, table.Match(RouteConfig.Request("/api"))!.Route.Id);
        Assert.Equal(shortPrefix, table.Match(RouteConfig.Request("/apis/v1"))!.Route.Id);
        Assert.Equal(generalRegex, table.Match(RouteConfig.Request("/api/v3"))!.Route.Id);
        Assert.Equal(hostAndPath, table.Match(RouteConfig.Request("/api/v1/x", "h.test"))!.Route.Id);
        Assert.Null(table.Match(RouteConfig.Request("/other/v1")));
    }

    [Fact]
    public void Build_DisabledService_RoutesLeftOut()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/off"]}""", config.Service(enabled: false));

        Assert.Null(config.Build().Match(RouteConfig.Request("/off")));
    }

    [Fact]
    public void Build_StreamRoutes_LeftOut()
    {
        var config = new RouteConfig();
        config.Route("""{"protocols":["tcp"],"destinations":[{"port":9000}]}""");

        var table = config.Build();

        Assert.Empty(table.Routes);
        Assert.Null(table.Match(RouteConfig.Request()));
    }

    [Fact]
    public void Build_RouteWithoutService_MatchesWithNullService()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/lonely"],"service":null}""");

        var match = config.Build().Match(RouteConfig.Request("/lonely"))!;

        Assert.Null(match.Service);
        Assert.Null(match.Route.Service);
    }

    [Fact]
    public void Match_NothingMatches_Null()
    {
        var config = new RouteConfig();
        config.Route("""{"hosts":["a.test"],"paths":["/a"],"methods":["GET"]}""");

        Assert.Null(config.Build().Match(RouteConfig.Request("/a", "b.test")));
        Assert.Null(RouteTable.Empty.Match(RouteConfig.Request()));
    }

    [Fact]
    public void Match_HostileRegex_RunsInLinearTime()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["~/(a+)+$"]}""");
        var table = config.Build();
        var hostile = "/" + new string('a', 50_000) + "!";

        var watch = Stopwatch.StartNew();
        var match = table.Match(RouteConfig.Request(hostile));

        Assert.Null(match);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Null(PathRegex.Compile("~/(a+)+$").Unsupported);
    }

    [Theory]
    [InlineData("~/users/\\d+", "/users/")]
    [InlineData("~/api/v1/items", "/api/v1/items")]
    [InlineData("~/api/v1?/items", "/api/v")]
    [InlineData("~/ab*c", "/a")]
    [InlineData("~/ab+c", "/ab")]
    [InlineData("~/a\\.b/.*", "/a.b/")]
    [InlineData("~/a{2}", "/")]
    [InlineData("~/(?<x>\\w+)", "/")]
    [InlineData("~/a|/b", "")]
    [InlineData("~(?i)/abc", "")]
    public void PathRegex_LiteralPrefix_IsWhatEveryMatchStartsWith(string path, string prefix) =>
        Assert.Equal(prefix, PathRegex.Compile(path).LiteralPrefix());

    [Theory]
    [InlineData("/api/v1/items", true)]
    [InlineData("/api/items", true)]
    [InlineData("/api/v2/items", false)]
    [InlineData("/apx", false)]
    public void PathRegex_WithLiteralPrefix_MatchesAsTheRegex(string path, bool matches) =>
        Assert.Equal(matches, PathRegex.Compile("~/api/(v1/)?items").TryMatch(path, out _, out _));

    [Fact]
    public void ConfigSnapshot_InvalidRegex_BuildThrowsAndProviderKeepsOldSnapshot()
    {
        var good = new RouteConfig();
        good.Route("""{"paths":["/ok"]}""");
        var provider = new ConfigSnapshotProvider();
        provider.Apply(new ConfigData(1, new Dictionary<string, IReadOnlyList<System.Text.Json.Nodes.JsonObject>>
        {
            ["services"] = good.Data()["services"],
            ["routes"] = good.Data()["routes"],
        }));

        var bad = new RouteConfig();
        bad.Route("""{"paths":["~/(unclosed"]}""");
        var badData = new ConfigData(2, new Dictionary<string, IReadOnlyList<System.Text.Json.Nodes.JsonObject>>
        {
            ["services"] = bad.Data()["services"],
            ["routes"] = bad.Data()["routes"],
        });

        Assert.ThrowsAny<ArgumentException>(() => provider.Apply(badData));
        Assert.Equal(1, provider.Current.Version);
        Assert.NotNull(provider.Current.Routes.Match(RouteConfig.Request("/ok")));
    }

    [Fact]
    public void Build_OnThePreviousTable_ReusesUnchangedRoutes_SeesEveryChange_AndLeavesThePreviousTableAsItWas()
    {
        var config = new RouteConfig();
        config.Route("""{"paths":["/kept"]}""");
        var moved = config.Route("""{"paths":["/moved"]}""");
        var service = config.Service(host: "old.test");
        config.Route("""{"paths":["/svc"]}""", service);
        var first = config.Build();
        var data = config.Data();

        // The next version as the refresher makes it: unchanged rows are the same objects, changed ones are new.
        JsonObject Changed(JsonObject row, string field, JsonNode value)
        {
            var copy = row.DeepClone().AsObject();
            copy[field] = value;
            return copy;
        }

        var routes = data["routes"].Select(r => r["id"]!.GetValue<string>() == moved ? Changed(r, "paths", new JsonArray("/moved-to")) : r).ToList();
        var added = routes[0].DeepClone().AsObject();
        added["id"] = Guid.NewGuid().ToString();
        added["paths"] = new JsonArray("/added");
        added["service"] = new JsonObject { ["id"] = service };
        routes.Add(added);
        var services = data["services"].Select(r => r["id"]!.GetValue<string>() == service ? Changed(r, "host", "new.test") : r).ToList();
        var next = RouteTable.Build(new ConfigData(2, new Dictionary<string, IReadOnlyList<JsonObject>> { ["services"] = services, ["routes"] = routes }), false, first);

        Assert.Same(first.Match(RouteConfig.Request("/kept"))!.Route, next.Match(RouteConfig.Request("/kept"))!.Route);
        Assert.Null(next.Match(RouteConfig.Request("/moved")));
        Assert.Equal(moved, next.Match(RouteConfig.Request("/moved-to"))!.Route.Id);
        Assert.Equal("new.test", next.Match(RouteConfig.Request("/svc"))!.Service!.Host);
        Assert.Equal("new.test", next.Match(RouteConfig.Request("/added"))!.Service!.Host);
        Assert.Equal(4, next.Routes.Count);

        Assert.Equal(moved, first.Match(RouteConfig.Request("/moved"))!.Route.Id);
        Assert.Equal("old.test", first.Match(RouteConfig.Request("/svc"))!.Service!.Host);
        Assert.Null(first.Match(RouteConfig.Request("/added")));
    }
}

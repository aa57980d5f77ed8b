using System.Text.RegularExpressions;
using Gateway.Node.Routing;
using Gateway.Schema;

namespace Gateway.Tests.Node.Routing;

/// <summary>
/// Route regexes run on the backtracking interpreter until a match takes its timeout, then on the non-backtracking engine:
/// matches and captures are the same on both, and a regex the linear engine cannot run (a row stored before the Admin
/// API refused it) never matches while the rest serves.
/// </summary>
public sealed class RouteRegexTests
{
    [Theory]
    [InlineData("~/users/(?<id>\\d+)/orders/(\\d+)", "/users/42/orders/7/items")]
    [InlineData("~/(?<a>x)(y)(?<b>z)?", "/xy")]
    [InlineData("~/(a|ab)(c|bcd)(d*)", "/abcd")]
    [InlineData("~/(a+)+b?", "/aaab")]
    [InlineData("~/files/(.*?)(\\.json)?$", "/files/a/b.json")]
    [InlineData("~/(?i)(ABC)+", "/abcAbC/x")]
    [InlineData("~/(x)*(y)", "/xxxy")]
    [InlineData("~/(?:(a)|b)+", "/abba")]
    [InlineData("~/((a)|(b))+", "/abab")]
    [InlineData("~/(a*)*", "/aaa")]
    [InlineData("~/(a|b)*?c", "/ababc")]
    [InlineData("~/(?'q'[^/]+)/(?P<r>[^/]+)?", "/one/two/three")]
    [InlineData("~/v(\\d+)/(\\w+)-(\\w+)$", "/v12/big-thing")]
    public void Captures_AreTheSameOnBothEngines(string path, string request)
    {
        var (pattern, names) = PathRegex.Unname(path[1..]);
        var backtracking = new Regex("^(?:" + pattern + ")", RegexOptions.CultureInvariant).Match(request);
        var linear = LinearRegex.Compile("^(?:" + pattern + ")").Match(request);
        Assert.Equal(backtracking.Value, linear.Value);
        Assert.Equal(
            backtracking.Groups.Values.Select(g => g.Success ? g.Value : null),
            linear.Groups.Values.Select(g => g.Success ? g.Value : null));

        Assert.True(PathRegex.Compile(path).TryMatch(request, out var matched, out var captures));

        Assert.Equal(backtracking.Value, matched);
        Assert.Equal(backtracking.Groups.Count, captures!.Numbered.Count);
        for (var i = 0; i < backtracking.Groups.Count; i++)
        {
            Assert.Equal(backtracking.Groups[i].Success ? backtracking.Groups[i].Value : null, captures.Numbered[i]);
            if (i < names.Length && names[i] is { } name && backtracking.Groups[i].Success)
            {
                Assert.Equal(backtracking.Groups[i].Value, captures.Named[name]);
            }
        }
    }

    [Fact]
    public void Match_HostilePathPastTheTimeout_MovesTheRegexToTheLinearEngine_AndItStillMatchesWithCaptures()
    {
        var regex = PathRegex.Compile("~/c(?<run>c+)+$");
        Assert.False(regex.IsLinear);
        Assert.True(regex.TryMatch("/ccc", out _, out _));
        Assert.False(regex.IsLinear);

        Assert.False(regex.TryMatch("/" + new string('c', 4_000) + "!", out _, out _));

        Assert.True(regex.IsLinear);
        Assert.True(regex.TryMatch("/cccc", out var matched, out var captures));
        Assert.Equal("/cccc", matched);
        Assert.Equal("ccc", captures!.Named["run"]);
    }

    [Fact]
    public void Match_TwentyHostileRoutes_ANormalRouteStillMatches()
    {
        var config = new RouteConfig();
        for (var i = 0; i < 20; i++)
        {
            config.Route($$"""{"name":"hostile-{{i}}","paths":["~/b(b+)+$"]}""");
        }

        config.Route("""{"name":"normal","paths":["/normal"]}""");
        var table = config.Build();

        Assert.Null(table.Match(RouteConfig.Request("/" + new string('b', 4_000) + "!")));
        Assert.Equal("hostile-0", table.Match(RouteConfig.Request("/" + new string('b', 4_000)))!.Route.Name);
        Assert.Equal("normal", table.Match(RouteConfig.Request("/normal"))!.Route.Name);
        Assert.Empty(table.NeverMatching);
    }

    [Theory]
    [InlineData("~/b(?=b)(b+)+$", "/bbb", "positive lookahead (?= pattern) or positive lookbehind (?<= pattern)")]
    [InlineData("~/(?!admin)\\w+", "/users", "negative lookahead (?! pattern) or negative lookbehind (?<! pattern)")]
    [InlineData("~/(a)\\1", "/aa", "backreference (\\ number)")]
    [InlineData("~/(?<n>a)\\k<n>", "/aa", "backreference (\\ number)")]
    [InlineData("~/(?>a+)b", "/aab", "atomic subexpressions (?> pattern)")]
    [InlineData("~/a++", "/aa", "a possessive quantifier")]
    public void Match_StoredRegexTheEngineCannotRun_NeverMatches_AndTheRestServes(string path, string request, string construct)
    {
        var config = new RouteConfig();
        var id = config.Route($$"""{"name":"stored","paths":["{{path.Replace("\\", "\\\\", StringComparison.Ordinal)}}"]}""");
        config.Route("""{"name":"fallback","paths":["/"]}""");
        config.Route("""{"name":"other","paths":["~/other/\\d+$"]}""");

        var table = config.Build();

        Assert.Equal("fallback", table.Match(RouteConfig.Request(request))!.Route.Name);
        Assert.Equal("other", table.Match(RouteConfig.Request("/other/12"))!.Route.Name);
        Assert.Equal([$"route 'stored' ({id}): path '{path}' never matches (it contains {construct})"], table.NeverMatching);
        Assert.Equal(construct, PathRegex.Compile(path).Unsupported);
    }

    [Fact]
    public void Match_StoredHeaderRegexTheEngineCannotRun_NeverMatches_TheOtherValuesStill()
    {
        var config = new RouteConfig();
        var id = config.Route("""{"name":"h","headers":{"x-a":["~*^(?!z)a","plain","~*^b\\d+$"]}}""");

        var table = config.Build();

        Assert.NotNull(table.Match(RouteConfig.Request(headers: ["x-a: plain"])));
        Assert.NotNull(table.Match(RouteConfig.Request(headers: ["x-a: B12"])));
        Assert.Null(table.Match(RouteConfig.Request(headers: ["x-a: abc"])));
        Assert.Equal(
            [$"route 'h' ({id}): header 'x-a' value '~*^(?!z)a' never matches (it contains negative lookahead (?! pattern) or negative lookbehind (?<! pattern))"],
            table.NeverMatching);
    }
}

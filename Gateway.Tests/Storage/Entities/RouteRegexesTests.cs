using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

/// <summary>
/// Route regexes (paths and <c>~*</c> header values) must run on the linear-time engine: what it cannot run is refused
/// on write with Kong's schema-violation shape, naming the construct; config stored before the rule stays readable.
/// </summary>
public class RouteRegexesTests
{
    private const string Rule = "route regexes run in linear time, as in Kong's traditional_compatible router, without lookarounds, "
        + "backreferences, atomic groups, conditionals, balancing groups, possessive quantifiers or \\G";

    [Theory]
    [InlineData("/b(?=b)(b+)+$", "positive lookahead (?= pattern) or positive lookbehind (?<= pattern)")]
    [InlineData("/(?!admin)\\w+", "negative lookahead (?! pattern) or negative lookbehind (?<! pattern)")]
    [InlineData("/a(?<=a)b", "positive lookahead (?= pattern) or positive lookbehind (?<= pattern)")]
    [InlineData("/x(?<!a)b", "negative lookahead (?! pattern) or negative lookbehind (?<! pattern)")]
    [InlineData("/(a)\\1", "backreference (\\ number)")]
    [InlineData("/(?<n>a)\\k<n>", "backreference (\\ number)")]
    [InlineData("/(?>a+)b", "atomic subexpressions (?> pattern)")]
    [InlineData("/(a)?(?(1)a|b)", "captured group conditional (?( name ) yes-pattern | no-pattern ) or (?( number ) yes-pattern| no-pattern )")]
    [InlineData("/(?(?=a)a|b)", "test conditional (?( test-pattern ) yes-pattern | no-pattern )")]
    [InlineData("/(?<a>x)(?<b-a>y)", "balancing group (?<name1-name2>subexpression) or (?'name1-name2' subexpression)")]
    [InlineData("/a\\Gb", "contiguous matches (\\G)")]
    [InlineData("/a++", "a possessive quantifier")]
    [InlineData("/a*+b", "a possessive quantifier")]
    [InlineData("/a{2}+", "a possessive quantifier")]
    public void Paths_ConstructTheLinearEngineLacks_IsRefusedNamingIt(string regex, string construct)
    {
        var (fields, message) = Invalid("routes", new JsonObject { ["paths"] = new JsonArray("/ok", "~" + regex) }.ToJsonString());

        var expected = $"unsupported regex: '{regex}' (it contains {construct}): {Rule}";
        Assert.Equal(new JsonObject { ["paths"] = new JsonArray(null, expected) }.Relaxed(), fields);
        Assert.Equal($"schema violation (paths.2: {expected})", message);
    }

    [Fact]
    public void Paths_RepetitionTooLargeForTheLinearEngine_IsRefused()
    {
        var (result, errors) = Insert("routes", """{"paths":["~/[a-z]{60000}"]}""");

        Assert.Null(result);
        var message = errors.ToJson()["paths"]![0]!.GetValue<string>();
        Assert.StartsWith("unsupported regex: '/[a-z]{60000}' (it contains ", message);
        Assert.Contains("larger than the configured limit", message);
    }

    [Theory]
    [InlineData("~/users/(?<id>\\d+)/profile$")]
    [InlineData("~/b(b+)+$")]
    [InlineData("~/(a+)+$")]
    [InlineData("~/files/.*?\\.json$")]
    [InlineData("~/(?i)admin")]
    [InlineData("~/\\p{L}+/[^/]+")]
    [InlineData("~/v\\d{1,3}/(items|orders)/?$")]
    [InlineData("~/x{2,}?y")]
    [InlineData("~/(?:a|b)\\b")]
    public void Paths_EveryOtherRegex_IsAccepted(string path)
    {
        var route = Valid("routes", new JsonObject { ["paths"] = new JsonArray(path) }.ToJsonString());

        Assert.Equal(path, route["paths"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Paths_InvalidRegex_KeepsKongsMessage()
    {
        var (fields, _) = Invalid("routes", """{"paths":["~/a+*"]}""");

        Assert.StartsWith("""{"paths":["invalid regex: '/a+*' (PCRE returned: Invalid pattern '/a+*' at offset 4. Nested quantifier '*'.""", fields);
    }

    [Fact]
    public void HeaderRegex_ConstructTheLinearEngineLacks_IsRefusedNamingIt()
    {
        var (fields, message) = Invalid("routes", """{"headers":{"x-user":["alice","~*^(?!bob)"]}}""");

        var expected = $"unsupported regex: '^(?!bob)' (it contains negative lookahead (?! pattern) or negative lookbehind (?<! pattern)): {Rule}";
        Assert.Equal(new JsonObject { ["headers"] = expected }.Relaxed(), fields);
        Assert.Equal($"schema violation (headers: {expected})", message);
    }

    [Fact]
    public void HeaderRegex_Invalid_IsRefused()
    {
        var (fields, _) = Invalid("routes", """{"headers":{"x-user":["~*(alice"]}}""");

        Assert.StartsWith("""{"headers":"invalid regex: '(alice' (PCRE returned: """, fields);
    }

    [Fact]
    public void HeaderRegex_Linear_IsAccepted_AsWritten()
    {
        var route = Valid("routes", """{"headers":{"x-user":["~*^Alice-\\d+$","bob"]}}""");

        Assert.Equal("""{"x-user":["~*^Alice-\\d+$","bob"]}""", route["headers"]!.Relaxed());
    }

    [Fact]
    public void StoredConfig_SkipsTheRule_ButNotTheSyntax()
    {
        var stored = new SchemaValidator(Registry, TimeProvider.System) { SkipWriteChecks = true };
        var schema = Registry.Get("routes");

        var errors = new ValidationErrors();
        var accepted = stored.Validate(schema, JsonNode.Parse("""{"paths":["~/b(?=b)(b+)+$"],"headers":{"x":["~*(?!a)"]}}""")!.AsObject(), null, errors);
        Assert.True(accepted is not null, errors.ToMessage());

        var invalid = new ValidationErrors();
        Assert.Null(stored.Validate(schema, JsonNode.Parse("""{"paths":["~/users/(foo"]}""")!.AsObject(), null, invalid));
        Assert.StartsWith("schema violation (paths.1: invalid regex: '/users/(foo' (PCRE returned: ", invalid.ToMessage());
    }

    [Fact]
    public void Patch_OfARouteStoredWithALookaround_IsRefusedUntilThePathIsFixed()
    {
        var stored = new SchemaValidator(Registry, TimeProvider.System) { SkipWriteChecks = true }
            .Validate(Registry.Get("routes"), JsonNode.Parse("""{"paths":["~/(?!admin)\\w+"]}""")!.AsObject(), null, new ValidationErrors())!;

        var (renamed, errors) = Update("routes", stored, """{"name":"renamed"}""");
        Assert.Null(renamed);
        Assert.StartsWith("schema violation (paths.1: unsupported regex: '/(?!admin)\\w+' (it contains negative lookahead", errors.ToMessage());

        var (fixedRoute, _) = Update("routes", stored, """{"paths":["~/(admin\\w+|[^a]\\w*)"]}""");
        Assert.NotNull(fixedRoute);
    }
}

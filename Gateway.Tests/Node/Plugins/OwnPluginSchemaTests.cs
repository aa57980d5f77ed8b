using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Rewrite;
using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins;

/// <summary>Our own plugins: rewrite, https-redirect and access-control.</summary>
public class OwnPluginSchemaTests
{
    [Fact]
    public void Rewrite_RulesRequired()
    {
        Assert.Equal("""{"rules":"required field missing"}""", Invalid("rewrite", "{}").Json());
        Assert.Equal("""{"rules":"length must be at least 1"}""", Invalid("rewrite", """{"rules":[]}""").Json());
    }

    [Fact]
    public void Rewrite_ValidRules_AreKept()
    {
        var config = Valid("rewrite", """
            {"rules":[
              {"match":"^/api/v(?<version>\\d+)/(.*)$","path":"/${version}/$2","headers":{"X-Rewritten":"yes"}},
              {"match":"^/(?=old)(.*)$","path":"/new/$1","query":"","host":"backend.internal"}
            ]}
            """);
        Assert.Equal(2, config["rules"]!.AsArray().Count);
        Assert.Equal("/${version}/$2", config["rules"]![0]!["path"]!.GetValue<string>());
    }

    [Fact]
    public void Rewrite_BadRegex_NamesThePattern()
    {
        // The engine reports an element record's errors as "invalid value"; the field's own message is checked here.
        Assert.Equal("""{"rules":["invalid value"]}""", Invalid("rewrite", """{"rules":[{"match":"^/(unclosed"}]}""").Json());
        var match = RewriteSchema.Schema.Config.Fields!.Single(f => f.Name == "rules").Elements!.Fields!.Single(f => f.Name == "match");
        var message = Assert.IsType<string>(Validator.ValidateValue(match, JsonValue.Create("^/(unclosed")));
        Assert.StartsWith("invalid regex '^/(unclosed': ", message);
        Assert.Null(Validator.ValidateValue(match, JsonValue.Create("^/(?<a>x)\\1$")));
        Assert.Contains("Not enough )", message);
    }

    [Fact]
    public void Rewrite_MatchRequired_AndHeaderNamesChecked()
    {
        Assert.Equal("""{"rules":["invalid value"]}""", Invalid("rewrite", """{"rules":[{"path":"/x"}]}""").Json());
        Assert.Equal("""{"rules":["invalid value"]}""",
            Invalid("rewrite", """{"rules":[{"match":"^/","headers":{"bad name":"x"}}]}""").Json());
    }

    [Fact]
    public void HttpsRedirect_EmptyConfig_HasDefaults()
    {
        Assert.Equal("""{"status_code":301,"https_port":443,"exempt_paths":[]}""", Valid("https-redirect", "{}").Json());
    }

    [Theory]
    [InlineData("""{"status_code":303}""", """{"status_code":"expected one of: 301, 302, 307, 308"}""")]
    [InlineData("""{"https_port":0}""", """{"https_port":"value should be between 1 and 65535"}""")]
    [InlineData("""{"exempt_paths":["health"]}""", """{"exempt_paths":["should start with: /"]}""")]
    public void HttpsRedirect_BadConfig_IsRefused(string config, string expected) =>
        Assert.Equal(expected, Invalid("https-redirect", config).Json());

    [Fact]
    public void AccessControl_EmptyConfig_DeniesByDefault()
    {
        Assert.Equal("""{"rules":[],"default_action":"deny","status":403,"message":"You cannot consume this service"}""",
            Valid("access-control", "{}").Json());
    }

    [Fact]
    public void AccessControl_FullRule_IsValid()
    {
        var config = Valid("access-control", """
            {"rules":[{"action":"allow","consumers":["alice"],"consumer_groups":["admins"],"methods":["GET","POST"],
                       "paths":["/admin","~^/v\\d+/admin$"],"headers":{"X-Env":"prod"},"sources":["10.0.0.0/8","::1"]}],
             "default_action":"allow"}
            """);
        Assert.Equal("allow", config["rules"]![0]!["action"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"rules":[{"consumers":["a"]}]}""")]
    [InlineData("""{"rules":[{"action":"permit"}]}""")]
    [InlineData("""{"rules":[{"action":"deny","sources":["10.0.0.300"]}]}""")]
    [InlineData("""{"rules":[{"action":"deny","paths":["~(["]}]}""")]
    [InlineData("""{"rules":[{"action":"deny","paths":["admin"]}]}""")]
    [InlineData("""{"rules":[{"action":"deny","methods":["get"]}]}""")]
    public void AccessControl_BadRule_IsRefused(string config) =>
        Assert.Equal("""{"rules":["invalid value"]}""", Invalid("access-control", config).Json());

    [Fact]
    public void AccessControl_BadDefaultAction_IsRefused() =>
        Assert.Equal("""{"default_action":"expected one of: allow, deny"}""",
            Invalid("access-control", """{"default_action":"maybe"}""").Json());
}

using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.RequestTransformer;

/// <summary>Plugin: request-transformer (schema), as Kong 3.9's schema.lua.</summary>
public sealed class RequestTransformerSchemaTests
{
    [Theory]
    [InlineData("""{"rename":{"headers":["x-old:bad header"]}}""", """{"rename":{"headers":["'bad header' is not a valid header"]}}""")]
    [InlineData("""{"rename":{"headers":["x-old:"]}}""", """{"rename":{"headers":["'' is not a valid header"]}}""")]
    [InlineData("""{"rename":{"headers":["x-old"]}}""", """{"rename":{"headers":["invalid value: x-old"]}}""")]
    [InlineData("""{"rename":{"headers":["bad old:x-new"]}}""", """{"rename":{"headers":["'bad old' is not a valid header"]}}""")]
    public void RenameHeaders_BothNamesMustBeHeaders(string config, string expected) =>
        Assert.Equal(expected, Invalid("request-transformer", config).Json());

    [Fact]
    public void RenameHeaders_ValidPair_IsAccepted() =>
        Assert.Equal("""["x-old:x-new"]""", Valid("request-transformer", """{"rename":{"headers":["x-old:x-new"]}}""")["rename"]!["headers"]!.Json());
}

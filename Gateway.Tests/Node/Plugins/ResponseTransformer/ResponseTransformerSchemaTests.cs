using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.ResponseTransformer;

/// <summary>Plugin: response-transformer (schema), as Kong 3.9's schema.lua (colon_string_array, colon_headers_array).</summary>
public sealed class ResponseTransformerSchemaTests
{
    [Theory]
    [InlineData("""{"add":{"json":["p1"]}}""", """{"add":{"json":["invalid value: p1"]}}""")]
    [InlineData("""{"append":{"headers":["h1"]}}""", """{"append":{"headers":["invalid value: h1"]}}""")]
    [InlineData("""{"replace":{"json":[":v"]}}""", """{"replace":{"json":["invalid value: :v"]}}""")]
    [InlineData("""{"rename":{"json":["a"]}}""", """{"rename":{"json":["invalid value: a"]}}""")]
    [InlineData("""{"rename":{"headers":["h1:bad header"]}}""", """{"rename":{"headers":["'bad header' is not a valid header"]}}""")]
    public void BadEntries_AreRefusedWithKongsMessages(string config, string expected) =>
        Assert.Equal(expected, Invalid("response-transformer", config).Json());

    [Fact]
    public void EmptyValues_AreAccepted_AsKongsPatternAllowsThem()
    {
        var config = Valid("response-transformer", """{"add":{"json":["p1:"],"headers":["h1:"]},"rename":{"json":["a:"]}}""");
        Assert.Equal("""{"json":["p1:"],"json_types":[],"headers":["h1:"]}""", config["add"]!.Json());
    }
}

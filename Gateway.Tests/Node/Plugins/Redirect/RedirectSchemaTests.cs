using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.Redirect;

/// <summary>Plugin: redirect (schema), as Kong's spec/03-plugins/45-redirect/01-schema_spec.lua.</summary>
public class RedirectSchemaTests
{
    [Fact]
    public void Location_Only_HasKongDefaults()
    {
        var config = Valid("redirect", """{"location":"https://example.com"}""");
        Assert.Equal(301, config["status_code"]!.GetValue<long>());
        Assert.False(config["keep_incoming_path"]!.GetValue<bool>());
        Assert.Equal(["status_code", "location", "keep_incoming_path"], config.Select(p => p.Key));
    }

    [Theory]
    [InlineData("""{"status_code":"abcd","location":"https://example.com"}""", """{"status_code":"expected an integer"}""")]
    [InlineData("""{"status_code":null,"location":"https://example.com"}""", """{"status_code":"required field missing"}""")]
    [InlineData("""{"status_code":99,"location":"https://example.com"}""", """{"status_code":"value should be between 100 and 599"}""")]
    [InlineData("""{"status_code":600,"location":"https://example.com"}""", """{"status_code":"value should be between 100 and 599"}""")]
    [InlineData("""{"status_code":301}""", """{"location":"required field missing"}""")]
    [InlineData("""{"location":"definitely_not_a_url"}""", """{"location":"missing host in url"}""")]
    [InlineData("""{"location":"https://example.com","keep_incoming_path":"invalid"}""", """{"keep_incoming_path":"expected a boolean"}""")]
    public void BadConfig_GetsKongsMessage(string config, string errors) =>
        Assert.Equal(errors, Invalid("redirect", config).Json());
}

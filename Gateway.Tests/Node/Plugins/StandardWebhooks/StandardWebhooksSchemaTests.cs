using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.StandardWebhooks;

/// <summary>Plugin: standard-webhooks (schema), as Kong's spec/03-plugins/44-standard-webhooks/01-schema_spec.lua.</summary>
public class StandardWebhooksSchemaTests
{
    [Fact]
    public void Secret_Only_HasKongDefaults()
    {
        var config = Valid("standard-webhooks", """{"secret_v1":"abc"}""");
        Assert.Equal(300, config["tolerance_second"]!.GetValue<long>());
        Assert.Equal(["secret_v1", "tolerance_second"], config.Select(p => p.Key));
    }

    [Theory]
    [InlineData("{}", """{"secret_v1":"required field missing"}""")]
    [InlineData("""{"secret_v1":1}""", """{"secret_v1":"expected a string"}""")]
    [InlineData("""{"secret_v1":"abc","tolerance_second":-1}""", """{"tolerance_second":"value must be greater than -1"}""")]
    [InlineData("""{"secret_v1":"abc","tolerance_second":null}""", """{"tolerance_second":"required field missing"}""")]
    public void BadConfig_GetsKongsMessage(string config, string errors) =>
        Assert.Equal(errors, Invalid("standard-webhooks", config).Json());
}

using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.ProxyCache;

/// <summary>Plugin: proxy-cache (schema), as Kong's spec/03-plugins/31-proxy-cache/01-schema_spec.lua.</summary>
public class ProxyCacheSchemaTests
{
    [Fact]
    public void MemoryStrategy_HasKongDefaults()
    {
        var config = Valid("proxy-cache", """{"strategy":"memory"}""");
        Assert.Equal("[200,301,404]", config["response_code"]!.Json());
        Assert.Equal("""["GET","HEAD"]""", config["request_method"]!.Json());
        Assert.Equal("""["text/plain","application/json"]""", config["content_type"]!.Json());
        Assert.Equal(300, config["cache_ttl"]!.GetValue<long>());
        Assert.False(config["cache_control"]!.GetValue<bool>());
        Assert.False(config["ignore_uri_case"]!.GetValue<bool>());
        Assert.Null(config["storage_ttl"]);
        Assert.Equal("kong_db_cache", config["memory"]!["dictionary_name"]!.GetValue<string>());
        Assert.Null(config["vary_query_params"]);
        Assert.Null(config["vary_headers"]);
        Assert.Equal("""{"age":true,"X-Cache-Status":true,"X-Cache-Key":true}""", config["response_headers"]!.Json());
    }

    [Theory]
    [InlineData("{}", """{"strategy":"required field missing"}""")]
    [InlineData("""{"strategy":"redis"}""", """{"strategy":"expected one of: memory"}""")]
    [InlineData("""{"strategy":"memory","response_code":[]}""", """{"response_code":"length must be at least 1"}""")]
    [InlineData("""{"strategy":"memory","response_code":[99]}""", """{"response_code":["value should be between 100 and 900"]}""")]
    [InlineData("""{"strategy":"memory","response_code":["abc"]}""", """{"response_code":["expected an integer"]}""")]
    [InlineData("""{"strategy":"memory","request_method":["DELETE"]}""", """{"request_method":["expected one of: HEAD, GET, POST, PATCH, PUT"]}""")]
    [InlineData("""{"strategy":"memory","cache_ttl":-1}""", """{"cache_ttl":"value must be greater than 0"}""")]
    [InlineData("""{"strategy":"memory","cache_control":"yes"}""", """{"cache_control":"expected a boolean"}""")]
    [InlineData("""{"strategy":"memory","memory":{"dictionary_name":null}}""", """{"memory":{"dictionary_name":"required field missing"}}""")]
    public void BadConfig_GetsKongsMessage(string config, string errors) =>
        Assert.Equal(errors, Invalid("proxy-cache", config).Json());
}

using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.Aggregate;

/// <summary>The aggregate plugin's config: defaults, templates, dependencies.</summary>
public class AggregateSchemaTests
{
    [Fact]
    public void OneBackend_GetsEveryDefault()
    {
        Assert.Equal(
            """{"backends":[{"name":"a","service":"s","path":"/","method":null,"forward_query":true,"forward_headers":["Accept","Accept-Language","Authorization","Content-Type","User-Agent","X-Consumer-ID","X-Consumer-Custom-ID","X-Consumer-Username","X-Consumer-Groups","X-Credential-Identifier","X-Anonymous-Consumer"],"forward_body":false,"depends_on":[],"group":null,"target":null,"allow":[],"deny":[],"mapping":null,"is_collection":false,"required":false,"timeout":2000}],"timeout":3000,"include_status":false,"max_response_size":1048576}""",
            Valid("aggregate", """{"backends":[{"name":"a","service":"s"}]}""").Json());
    }

    [Theory]
    [InlineData("""{"backends":[]}""", """{"backends":"length must be at least 1"}""")]
    [InlineData("""{"backends":[{"name":"a.b","service":"s"}]}""", """{"backends":["invalid value"]}""")]
    [InlineData("""{"backends":[{"name":"a","service":"s","path":"/x/{a"}]}""", """{"backends":["invalid value"]}""")]
    [InlineData("""{"backends":[{"name":"a","service":"s"},{"name":"a","service":"s"}]}""", """{"@entity":["backend name 'a' is used more than once"]}""")]
    [InlineData("""{"backends":[{"name":"a","service":"s","depends_on":["a"]}]}""", """{"@entity":["backend 'a' depends on itself"]}""")]
    [InlineData("""{"backends":[{"name":"a","service":"s","depends_on":["x"]}]}""", """{"@entity":["backend 'a' depends on 'x', which is not a backend"]}""")]
    [InlineData("""{"backends":[{"name":"a","service":"s","path":"/{b.id}"},{"name":"b","service":"s"}]}""", """{"@entity":["backend 'a': its path reads 'b', which is not in its depends_on"]}""")]
    [InlineData("""{"backends":[{"name":"a","service":"s","depends_on":["c"]},{"name":"b","service":"s","depends_on":["a"]},{"name":"c","service":"s","depends_on":["b"]}]}""", """{"@entity":["backends depend on each other in a cycle: a -> c -> b -> a"]}""")]
    public void BadConfig_IsRefused(string config, string errors) => Assert.Equal(errors, Invalid("aggregate", config).Json());

    [Theory]
    [InlineData("/x/{a", "unclosed '{' at position 4")]
    [InlineData("/x}", "unexpected '}' at position 3")]
    [InlineData("/{query}", "'{query}' is not of the form {source.name}")]
    [InlineData("/{consumer.custom_id}", "'{consumer.custom_id}': a consumer has only id and username")]
    public void BadTemplate_SaysWhy(string path, string error)
    {
        Assert.Null(Gateway.Node.Plugins.Aggregate.PathTemplate.Parse(path, out var message));
        Assert.Equal(error, message);
    }
}

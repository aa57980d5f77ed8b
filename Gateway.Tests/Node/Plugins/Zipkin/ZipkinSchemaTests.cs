using Gateway.Node.Observability.Tracing.Propagation;
using Gateway.Node.Plugins.Zipkin;
using Gateway.Plugins.Sdk;
using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins.Zipkin;

/// <summary>The zipkin config as Kong 3.9's schema.lua has it (spec/03-plugins/34-zipkin/schema_spec.lua), and the tags header.</summary>
public class ZipkinSchemaTests
{
    [Fact]
    public void EmptyConfig_HasKongsDefaults()
    {
        var config = Valid("zipkin", "{}");
        Assert.Equal("kong", config["local_service_name"]!.GetValue<string>());
        Assert.Null(config["http_endpoint"]);
        Assert.Equal(0.001, config["sample_ratio"]!.GetValue<double>());
        Assert.True(config["include_credential"]!.GetValue<bool>());
        Assert.Equal(16, config["traceid_byte_count"]!.GetValue<long>());
        Assert.Equal("preserve", config["header_type"]!.GetValue<string>());
        Assert.Equal("b3", config["default_header_type"]!.GetValue<string>());
        Assert.Equal("Zipkin-Tags", config["tags_header"]!.GetValue<string>());
        Assert.Equal("method", config["http_span_name"]!.GetValue<string>());
        Assert.Equal(2000, config["connect_timeout"]!.GetValue<long>());
        Assert.Equal(5000, config["send_timeout"]!.GetValue<long>());
        Assert.Equal(5000, config["read_timeout"]!.GetValue<long>());
        Assert.Equal("annotations", config["phase_duration_flavor"]!.GetValue<string>());
        Assert.Equal(1, config["queue"]!["max_batch_size"]!.GetValue<long>());
        Assert.Equal("b3", config["propagation"]!["default_format"]!.GetValue<string>());
    }

    [Fact]
    public void RepeatedStaticTags_AreRefused()
    {
        var errors = Invalid("zipkin", """{"static_tags":[{"name":"foo","value":"bar"},{"name":"foo","value":"baz"}]}""");
        Assert.Equal("""{"static_tags":"repeated tags are not allowed: foo"}""", errors.Json());
    }

    [Fact]
    public void ProtectedStaticTag_IsRefused()
    {
        var errors = Invalid("zipkin", """{"static_tags":[{"name":"ok","value":"1"},{"name":"kong.route","value":"2"}]}""");
        Assert.Equal(
            """{"static_tags":[null,"must not be one of: error, http.method, http.path, http.status_code, kong.balancer.state, kong.balancer.try, kong.consumer, kong.credential, kong.node.id, kong.route, kong.service, lc, peer.hostname"]}""",
            errors.Json());
    }

    [Theory]
    [InlineData("""{"traceid_byte_count":12}""", """{"traceid_byte_count":"expected one of: 8, 16"}""")]
    [InlineData("""{"sample_ratio":1.5}""", """{"sample_ratio":"value should be between 0 and 1"}""")]
    [InlineData("""{"http_span_name":"path"}""", """{"http_span_name":"expected one of: method, method_path"}""")]
    [InlineData("""{"phase_duration_flavor":"spans"}""", """{"phase_duration_flavor":"expected one of: annotations, tags"}""")]
    [InlineData("""{"header_type":"zipkin"}""", """{"header_type":"expected one of: preserve, ignore, b3, b3-single, w3c, jaeger, ot, aws, datadog, gcp"}""")]
    [InlineData("""{"default_header_type":"preserve"}""", """{"default_header_type":"expected one of: b3, b3-single, w3c, jaeger, ot, aws, datadog, gcp"}""")]
    [InlineData("""{"http_endpoint":"not a url"}""", null)]
    public void BadValues_AreRefused(string config, string? expected)
    {
        var errors = Invalid("zipkin", config);
        if (expected is not null)
        {
            Assert.Equal(expected, errors.Json());
        }
    }

    [Fact]
    public void PropagationLeftAtDefaults_MeansTheDeprecatedSettings_DefaultHeaderTypeIncluded()
    {
        var legacy = Compile("""{"header_type":"ignore","default_header_type":"w3c","propagation":{"default_format":"jaeger"}}""");
        Assert.Empty(legacy.Extract);
        Assert.Equal([TraceFormat.W3C], legacy.Inject);

        var configured = Compile("""{"default_header_type":"w3c","propagation":{"extract":["b3"],"inject":["preserve"],"default_format":"jaeger"}}""");
        Assert.Equal([TraceFormat.B3], configured.Extract);
        Assert.Equal(TraceFormat.Jaeger, configured.DefaultFormat);
    }

    [Theory]
    [InlineData("foo=bar", "foo", "bar")]
    [InlineData("  foo  =  bar baz  ", "foo", "bar baz")]
    [InlineData("a=b=c", "a=b", "c")]
    [InlineData("a = b = c", "a", "b = c")]
    [InlineData("a= b", "a", "b")]
    public void TagItems_ReadAsKongsPattern(string item, string name, string value)
    {
        Assert.True(ZipkinTags.TryParse(item, out var parsedName, out var parsedValue));
        Assert.Equal((name, value), (parsedName, parsedValue));
    }

    [Fact]
    public void TagsHeader_KeepsWhatParses_AndListsTheRest()
    {
        var errors = new List<string>();
        var tags = ZipkinTags.Parse(new(["foo=bar; baz=qux;;nope", "x = 1;a="]), errors);
        Assert.Equal(new Dictionary<string, string> { ["foo"] = "bar", ["baz"] = "qux", ["x"] = "1" }, tags);
        Assert.Equal(["nope", "a="], errors);
    }

    private static PropagationConfig Compile(string config)
    {
        var plugin = new ZipkinPlugin(new PluginServices());
        var compiled = (ZipkinConfig)((IGatewayPlugin)plugin).CompileConfig(Valid("zipkin", config), new PluginInstance("p1", "zipkin", null, null, null, null));
        return compiled.Compiled;
    }
}

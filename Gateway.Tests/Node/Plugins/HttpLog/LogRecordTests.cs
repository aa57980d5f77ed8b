using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;

namespace Gateway.Tests.Node.Plugins.HttpLog;

/// <summary>The serialized log record on its own (Kong's kong/pdk/log.lua serialize and set_serialize_value).</summary>
public sealed class LogRecordTests
{
    [Fact]
    public void Serialize_DottedLogValue_SetsANestedFieldAsKongsSetSerializeValue()
    {
        var log = Record(new Dictionary<string, JsonNode?>
        {
            ["request.custom"] = "x",
            ["a.b.c"] = 1,
            ["correlation_id"] = "id-1",
            ["client_ip.nested"] = "skipped: client_ip is not an object",
        });

        var record = log.Serialize();
        Assert.Equal("x", record["request"]!["custom"]!.GetValue<string>());
        Assert.Equal("GET", record["request"]!["method"]!.GetValue<string>());
        Assert.Equal("""{"b":{"c":1}}""", record["a"]!.ToJsonString());
        Assert.Equal("id-1", record["correlation_id"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", record["client_ip"]!.GetValue<string>());
    }

    private static PluginLog Record(IReadOnlyDictionary<string, JsonNode?>? extra) => new()
    {
        RequestId = "r1",
        StartedAt = 1,
        ClientIp = "127.0.0.1",
        Method = "GET",
        Uri = "/",
        Url = "http://localhost:8000/",
        QueryString = [],
        RequestHeaders = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(),
        RequestSize = 10,
        Status = 200,
        ResponseHeaders = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>(),
        ResponseSize = 20,
        KongLatency = 0,
        ProxyLatency = -1,
        RequestLatency = 0,
        Source = "kong",
        Extra = extra,
    };
}

using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.ResponseTransformer;

/// <summary>Plugin: response-transformer, as Kong's spec/03-plugins/15-response-transformer/04-filter_spec.lua (the backend echoes JSON).</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class ResponseTransformerFilterTests(PluginNode node)
{
    [Fact]
    public async Task Headers_RemoveRenameReplaceAddAppend()
    {
        var path = await node.RouteWithPluginsAsync(("response-transformer", """
            {"remove":{"headers":["x-backend"]},"rename":{"headers":["via:x-via"]},"replace":{"headers":["content-type:application/x-json"]},
             "add":{"headers":["x-added:1","content-type:never"]},"append":{"headers":["x-list:a","x-list:b"]}}
            """));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.False(response.Headers.Contains("X-Backend"));
        Assert.StartsWith("1.1 backend", response.Headers.GetValues("X-Via").Single());
        Assert.Equal("application/x-json", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("1", response.Headers.GetValues("X-Added").Single());
        Assert.Equal(["a", "b"], response.Headers.GetValues("X-List"));
    }

    [Fact]
    public async Task JsonBody_IsRewritten_WithTypes()
    {
        var path = await node.RouteWithPluginsAsync(("response-transformer", """
            {"remove":{"json":["protocol"]},"rename":{"json":["backend:server"]},
             "replace":{"json":["method:POSTED"]},
             "add":{"json":["count:3","ok:true","note:hi"],"json_types":["number","boolean","string"]},
             "append":{"json":["method:extra"]}}
            """));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Null(body["protocol"]);
        Assert.Null(body["backend"]);
        Assert.Equal("backend", body["server"]!.GetValue<string>());
        Assert.Equal("""["POSTED","extra"]""", body["method"]!.ToJsonString());
        Assert.Equal(3, body["count"]!.GetValue<double>());
        Assert.True(body["ok"]!.GetValue<bool>());
        Assert.Equal("hi", body["note"]!.GetValue<string>());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task NonJsonBody_IsLeftAlone()
    {
        var path = await node.RouteWithPluginsAsync(
            ("response-transformer", """{"add":{"json":["x:1"]}}"""),
            ("request-termination", """{"status_code":200,"body":"plain text","content_type":"text/plain"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal("plain text", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PluginAnswer_JsonBody_IsTransformedToo()
    {
        var path = await node.RouteWithPluginsAsync(
            ("response-transformer", """{"add":{"json":["x:1"]}}"""),
            ("request-termination", """{"status_code":403,"message":"no"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal("""{"message":"no","x":"1"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ProblemJson_IsTransformed_AsApplicationStarPlusJson()
    {
        var path = await node.RouteWithPluginsAsync(
            ("response-transformer", """{"add":{"json":["x:1"]}}"""),
            ("request-termination", """{"status_code":400,"body":"{\"title\":\"t\"}","content_type":"application/problem+json"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal("""{"title":"t","x":"1"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JsonBody_LuaTruthiness_NumberCasts_AndEmptyValues()
    {
        // false counts as absent and null as present (cjson.null); "0x10" is Lua's 16; "NaN" is no
        // number, so the entry is left out; an empty value is cjson.encode(nil), the text "null".
        var path = await node.RouteWithPluginsAsync(
            ("response-transformer", """
                {"rename":{"json":["gone:moved"]},"replace":{"json":["n:r","f:never"]},
                 "add":{"json":["f:yes","h:0x10","bad:NaN","e:"],"json_types":["string","number","number","string"]},
                 "append":{"json":["num:2"]}}
                """),
            ("request-termination", """{"status_code":200,"body":"{\"f\":false,\"n\":null,\"num\":1,\"gone\":null}","content_type":"application/json"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var expected = JsonNode.Parse("""{"f":"yes","n":"r","num":["2"],"moved":null,"h":16,"e":"null"}""");
        Assert.True(JsonNode.DeepEquals(expected, body), body!.ToJsonString());
    }

    [Fact]
    public async Task EmptyHeaderValues_AreSkipped()
    {
        var path = await node.RouteWithPluginsAsync(("response-transformer", """{"add":{"headers":["x-empty:"]},"replace":{"headers":["x-backend:"]}}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.False(response.Headers.Contains("X-Empty"));
        Assert.Equal("backend", response.Headers.GetValues("X-Backend").Single());
    }

    [Fact]
    public async Task PresenceIsTestedOnTheHeadersAsTheyCame()
    {
        // Kong's header_transformer checks kong.response.get_headers(), a copy taken before any change.
        var path = await node.RouteWithPluginsAsync(("response-transformer", """
            {"remove":{"headers":["x-backend"]},"rename":{"headers":["via:x-via"]},
             "replace":{"headers":["x-via:never"]},"add":{"headers":["x-backend:never","x-via:added","x-twice:1","x-twice:2"]}}
            """));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.False(response.Headers.Contains("X-Backend"));
        Assert.Equal("added", response.Headers.GetValues("X-Via").Single());
        Assert.Equal("2", response.Headers.GetValues("X-Twice").Single());
    }
}

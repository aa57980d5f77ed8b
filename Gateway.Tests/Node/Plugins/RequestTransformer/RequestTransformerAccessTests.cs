using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.RequestTransformer;

/// <summary>Plugin: request-transformer, as Kong's spec/03-plugins/36-request-transformer/02-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class RequestTransformerAccessTests(PluginNode node)
{
    [Fact]
    public async Task Headers_RemoveRenameReplaceAddAppend()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """
            {"remove":{"headers":["x-to-remove"]},
             "rename":{"headers":["x-old:x-new"]},
             "replace":{"headers":["x-replace:replaced","x-absent-replace:never"]},
             "add":{"headers":["x-added:a1","x-replace:not-added"]},
             "append":{"headers":["x-append:second"]}}
            """));
        using var response = await node.SendAsync(HttpMethod.Get, path,
            ("X-To-Remove", "1"), ("X-Old", "moved"), ("X-Replace", "original"), ("X-Append", "first"));
        var headers = await PluginNode.UpstreamHeadersAsync(response);
        Assert.Null(headers["x-to-remove"]);
        Assert.Null(headers["x-old"]);
        Assert.Equal("moved", headers["x-new"]!.GetValue<string>());
        Assert.Equal("replaced", headers["x-replace"]!.GetValue<string>());
        Assert.Null(headers["x-absent-replace"]);
        Assert.Equal("a1", headers["x-added"]!.GetValue<string>());
        Assert.Equal("first, second", headers["x-append"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplaceHost_ChangesTheUpstreamHost()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"replace":{"headers":["host:changed.test"]}}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal("changed.test", (await PluginNode.UpstreamHeadersAsync(response))["host"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueryString_IsRewrittenAndSorted()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """
            {"remove":{"querystring":["drop"]},"rename":{"querystring":["old:new"]},"replace":{"querystring":["keep:x y"]},
             "add":{"querystring":["added:1"]},"append":{"querystring":["multi:b"]}}
            """));
        using var response = await node.SendAsync(HttpMethod.Get, path + "?drop=1&old=2&keep=3&multi=a&zzz");
        var target = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["target"]!.GetValue<string>();
        // strip_path (the default) leaves "/" of the route path.
        Assert.Equal("/?added=1&keep=x%20y&multi=a&multi=b&new=2&zzz", target);
    }

    [Fact]
    public async Task ReplaceUri_WithCapturesAndHeaderTemplates()
    {
        var service = await node.Node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{node.Backend.Port}}}""");
        var route = await node.Node.CreateAsync($"/services/{service["id"]}/routes", """{"paths":["~/users/(?<user>\\d+)/items$"]}""");
        await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", """
            {"name":"request-transformer","config":{"replace":{"uri":"/v2/$(uri_captures.user)/list"},"add":{"headers":["x-user:$(uri_captures[1])","x-from:$(headers.x_client or 'none')"]}}}
            """);
        using var response = await node.SendAsync(HttpMethod.Get, "/users/42/items?q=1", ("X-Client", "cli"));
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("/v2/42/list?q=1", echo["target"]!.GetValue<string>());
        Assert.Equal("42", echo["headers"]!["x-user"]!.GetValue<string>());
        Assert.Equal("cli", echo["headers"]!["x-from"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonBody_IsRewritten()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """
            {"remove":{"body":["secret"]},"rename":{"body":["old:new"]},"replace":{"body":["keep:changed"]},"add":{"body":["added:yes"]},"append":{"body":["list:two"]}}
            """));
        var body = """{"secret":"s","old":1,"keep":"k","list":"one"}""";
        using var response = await node.Proxy.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var expected = """{"new":1,"keep":"changed","list":["one","two"],"added":"yes"}""";
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), echo["body_length"]!.GetValue<long>());
        Assert.Equal(Encoding.UTF8.GetByteCount(expected).ToString(), echo["headers"]!["content-length"]!.GetValue<string>());
    }

    [Fact]
    public async Task FormBody_IsRewritten_AndMethodChanged()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"http_method":"PUT","add":{"body":["b:2"]},"remove":{"body":["c"]}}"""));
        using var response = await node.Proxy.PostAsync(path, new StringContent("a=1&c=3", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("PUT", echo["method"]!.GetValue<string>());
        Assert.Equal("a=1&b=2".Length, echo["body_length"]!.GetValue<long>());
    }

    [Fact]
    public async Task GetWithFormBody_MovesTheBodyToTheQuery()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"http_method":"GET"}"""));
        using var response = await node.Proxy.PostAsync(path + "?z=0", new StringContent("a=1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("GET", echo["method"]!.GetValue<string>());
        Assert.Equal("/?a=1&z=0", echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReplaceUri_IsEscapedAsSetPathDoes()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"replace":{"uri":"/a b/é/$(query_params.q)"}}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path + "?q=x%20y");
        var target = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["target"]!.GetValue<string>();
        Assert.Equal("/a%20b/%C3%A9/x%20y?q=x%20y", target);
    }

    [Fact]
    public async Task QuotedTemplate_SendsDollarParenAsIs()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"add":{"headers":["x-lit:a $('$(headers.x)') b"]}}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path, ("X", "not used"));
        Assert.Equal("a $(headers.x) b", (await PluginNode.UpstreamHeadersAsync(response))["x-lit"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueryString_SortedAsEncodedPieces_AndAppendReplacesAFlag()
    {
        // make_ordered_args sorts "name=value" pieces: "a-=1" before "a=2" ('-' < '=').
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"add":{"querystring":["b:3"]},"append":{"querystring":["f:v"]}}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path + "?f&a=2&a-=1");
        var target = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["target"]!.GetValue<string>();
        Assert.Equal("/?a-=1&a=2&b=3&f=v", target);
    }

    [Fact]
    public async Task GetWithEmptyFormBody_LeavesTheQueryAsSent()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """{"http_method":"GET"}"""));
        using var response = await node.Proxy.PostAsync(path + "?z=1&a=2", new StringContent("", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("GET", echo["method"]!.GetValue<string>());
        Assert.Equal("/?z=1&a=2", echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemovedOrReplacedHeader_StillRendersWithTheClientsValue()
    {
        // Kong's "validate that removed header can be used as template" and "... old value of replaced header".
        var path = await node.RouteWithPluginsAsync(("request-transformer", """
            {"remove":{"headers":["x-remove-header"]},"replace":{"headers":["x-replace-header:the new value"],"querystring":["q2:$(headers['x-remove-header'])"]},
             "add":{"headers":["x-test-header:$(headers['x-remove-header'])","x-old:$(headers['x-replace-header'])"]}}
            """));
        using var response = await node.SendAsync(HttpMethod.Get, path + "?q2=20", ("X-Remove-Header", "its a test"), ("X-Replace-Header", "the old value"));
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var headers = echo["headers"]!;
        Assert.Null(headers["x-remove-header"]);
        Assert.Equal("its a test", headers["x-test-header"]!.GetValue<string>());
        Assert.Equal("the new value", headers["x-replace-header"]!.GetValue<string>());
        Assert.Equal("the old value", headers["x-old"]!.GetValue<string>());
        Assert.Equal("/?q2=its%20a%20test", echo["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueryParamsTemplate_SeesFormArgumentsMovedByHttpMethod_AndFlagsAsTrue()
    {
        var path = await node.RouteWithPluginsAsync(("request-transformer", """
            {"http_method":"GET","add":{"headers":["x-from-form:$(query_params.name)","x-flag:$(query_params.flag)"]}}
            """));
        using var response = await node.Proxy.PostAsync(path + "?flag", new StringContent("name=marco", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("/?flag&name=marco", echo["target"]!.GetValue<string>());
        Assert.Equal("marco", echo["headers"]!["x-from-form"]!.GetValue<string>());
        Assert.Equal("true", echo["headers"]!["x-flag"]!.GetValue<string>());
    }
}

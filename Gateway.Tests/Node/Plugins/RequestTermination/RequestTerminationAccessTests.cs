using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.RequestTermination;

/// <summary>Plugin: request-termination (access), as Kong's spec/03-plugins/14-request-termination/02-access_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class RequestTerminationAccessTests(PluginNode node)
{
    [Fact]
    public async Task ConflictingConfig_IsKongsSchemaViolation_WithConfigAsOneMessage()
    {
        using var response = await node.Node.Admin.PostAsync(
            "/plugins", new StringContent("""{"name":"request-termination","config":{"message":"x","body":"y"}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal(
            """{"code":2,"name":"schema violation","message":"schema violation (config: message cannot be used with content_type or body)","fields":{"config":"message cannot be used with content_type or body"}}""",
            System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Defaults_Answer503WithKongsMessage()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", "{}"));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("""{"message":"Service unavailable"}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-Backend"));
    }

    [Fact]
    public async Task StatusWithoutDefaultMessage_AnswersAnEmptyBody()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":418}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(418, (int)response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Status204_HasNoBodyAndNoContentLength()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":204}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(response.Content.Headers.Contains("Content-Length"));
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Message_IsSentAsJson()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":404,"message":"Gone fishing"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"Gone fishing"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BodyAndContentType_AreSentAsIs()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":200,"body":"<html>maintenance</html>","content_type":"text/html"}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("<html>maintenance</html>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Trigger_OnlyTerminatesRequestsCarryingIt()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":403,"message":"triggered","trigger":"X-Stop"}"""));
        using (var passed = await node.SendAsync(HttpMethod.Get, path))
        {
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
            Assert.True(passed.Headers.Contains("X-Backend"));
        }

        using (var header = await node.SendAsync(HttpMethod.Get, path, ("X-Stop", "1")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, header.StatusCode);
            Assert.Equal("""{"message":"triggered"}""", await header.Content.ReadAsStringAsync());
        }

        using var query = await node.SendAsync(HttpMethod.Get, path + "?X-Stop=1");
        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);
    }

    [Fact]
    public async Task Echo_ReturnsTheRequest()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":200,"echo":true}"""));
        using var response = await node.SendAsync(HttpMethod.Get, path + "/x?a=1", ("X-Hello", "world"));
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("GET", body["request"]!["method"]!.GetValue<string>());
        Assert.Equal(path + "/x", body["request"]!["path"]!.GetValue<string>());
        Assert.Equal("world", body["request"]!["headers"]!["x-hello"]!.GetValue<string>());
        Assert.Equal("1", body["request"]!["query"]!["a"]!.GetValue<string>());
        Assert.NotNull(body["matched_route"]!["id"]);
    }

    [Fact]
    public async Task Echo_HasKongsRequestFields_RawBodyAndNode()
    {
        // Kong's "echos a request if no echo_trigger is set", plus its kong member and get_uri_args' shapes.
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":404,"echo":true}"""));
        using var request = new HttpRequestMessage(HttpMethod.Post, path + "?hello=there&flag&x=1&x=2&a+b=c%20d")
        {
            Content = new StringContent("cool body", System.Text.Encoding.UTF8, "text/plain"),
        };
        using var response = await node.Proxy.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var echoed = body["request"]!;
        Assert.Equal("cool body", echoed["raw_body"]!.GetValue<string>());
        Assert.Null(echoed["body"]);
        Assert.Equal("""{"hello":"there","flag":true,"x":["1","2"],"a b":"c d"}""", echoed["query"]!.ToJsonString());
        Assert.Equal("http", echoed["scheme"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", echoed["host"]!.GetValue<string>());
        Assert.Equal(node.Node.ProxyPort, echoed["port"]!.GetValue<int>());
        Assert.Equal("9", echoed["headers"]!["content-length"]!.GetValue<string>());
        Assert.Equal("Not found", body["message"]!.GetValue<string>());
        Assert.Equal(Environment.ProcessId, body["kong"]!["worker_pid"]!.GetValue<int>());
        Assert.Equal(Environment.MachineName, body["kong"]!["hostname"]!.GetValue<string>());
        var root = System.Text.Json.Nodes.JsonNode.Parse(await node.Node.Admin.GetStringAsync("/"))!;
        Assert.Equal(root["node_id"]!.GetValue<string>(), body["kong"]!["node_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Echo_ParsesJsonAndFormBodies()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"status_code":200,"echo":true}"""));
        using (var json = await node.Proxy.PostAsync(path, new StringContent("""{"a":[1,2]}""", System.Text.Encoding.UTF8, "application/json")))
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(await json.Content.ReadAsStringAsync())!;
            Assert.Equal("""{"a":[1,2]}""", body["request"]!["body"]!.ToJsonString());
            Assert.Equal("""{"a":[1,2]}""", body["request"]!["raw_body"]!.GetValue<string>());
        }

        using var form = await node.Proxy.PostAsync(path, new FormUrlEncodedContent([new("k", "v 1"), new("k", "v2")]));
        var formBody = System.Text.Json.Nodes.JsonNode.Parse(await form.Content.ReadAsStringAsync())!;
        Assert.Equal("""{"k":["v 1","v2"]}""", formBody["request"]!["body"]!.ToJsonString());
    }

    [Fact]
    public async Task Trigger_HeaderIsCaseInsensitive_QueryArgumentIsNot()
    {
        var path = await node.RouteWithPluginsAsync(("request-termination", """{"message":"triggered","trigger":"X-Stop"}"""));
        using (var header = await node.SendAsync(HttpMethod.Get, path, ("x-stop", "1")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, header.StatusCode);
        }

        using var query = await node.SendAsync(HttpMethod.Get, path + "?x-stop=1");
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.True(query.Headers.Contains("X-Backend"));
    }

    [Fact]
    public async Task ServicelessRoute_IsAnsweredByThePlugin()
    {
        var route = await node.Node.CreateAsync("/routes", """{"paths":["/no-service-terminated"]}""");
        await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", """{"name":"request-termination","config":{"status_code":200,"message":"ok"}}""");
        using var response = await node.SendAsync(HttpMethod.Get, "/no-service-terminated");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"message":"ok"}""", await response.Content.ReadAsStringAsync());
    }
}

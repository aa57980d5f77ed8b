using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.RequestTransformer;

/// <summary>
/// Plugin: request-transformer bodies, as Kong 3.9's access.lua (transform_json_body,
/// transform_multipart_body) and spec/03-plugins/36-request-transformer/02-access_spec.lua; the
/// upstream echoes the body it got.
/// </summary>
[Collection(PluginNodeCollection.Name)]
public sealed class RequestTransformerBodyTests(PluginNode node, BodyEchoFixture echo) : IClassFixture<BodyEchoFixture>
{
    [Fact]
    public async Task MultipartBody_RenameRemoveReplaceAdd_AsLuaMultipartWritesIt()
    {
        var path = await RouteAsync("""
            {"rename":{"body":["old:new"]},"remove":{"body":["drop"]},"replace":{"body":["keep:changed"]},
             "add":{"body":["added:yes","a:never"]},"append":{"body":["x:ignored"]}}
            """);
        var body = Parts(
            "Content-Disposition: form-data; name=\"a\"\r\n\r\n1",
            "Content-Disposition: form-data; name=\"old\"\r\n\r\n2",
            "Content-Disposition: form-data; name=\"keep\"\r\n\r\n3",
            "Content-Disposition: form-data; name=\"drop\"\r\n\r\n4",
            "Content-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\nfile\r\nbody");
        var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XyZ");
        var result = await PostAsync(path, content);

        // Rename adds the new part at the end, replace deletes and re-adds, multipart has no append.
        var expected = Parts(
            "Content-Disposition: form-data; name=\"a\"\r\n\r\n1",
            "Content-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\nfile\r\nbody",
            "Content-Disposition: form-data; name=\"new\"\r\n\r\n2",
            "Content-Disposition: form-data; name=\"keep\"\r\n\r\nchanged",
            "Content-Disposition: form-data; name=\"added\"\r\n\r\nyes");
        Assert.Equal(expected, result["body"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetByteCount(expected), result["content_length"]!.GetValue<long>());
    }

    [Fact]
    public async Task JsonBody_FalseCountsAsAbsent_NullAsPresent_AndAppendReplacesANumber()
    {
        var path = await RouteAsync("""
            {"replace":{"body":["f:replaced","n:replaced"]},"add":{"body":["f:added","n:never"]},"append":{"body":["num:2","s:y"]}}
            """);
        var result = await PostAsync(path, new StringContent("""{"f":false,"n":null,"num":1,"s":"x"}""", Encoding.UTF8, "application/json"));
        var sent = JsonNode.Parse(result["body"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"f":"added","n":"replaced","num":["2"],"s":["x","y"]}"""), sent), sent!.ToJsonString());
    }

    [Fact]
    public async Task InvalidJsonBody_IsSentAsItCame()
    {
        var path = await RouteAsync("""{"add":{"body":["a:1"]},"remove":{"body":["b"]}}""");
        var result = await PostAsync(path, new StringContent("{\"b\": 1, oops", Encoding.UTF8, "application/json"));
        Assert.Equal("{\"b\": 1, oops", result["body"]!.GetValue<string>());
        Assert.Equal(13, result["content_length"]!.GetValue<long>());
    }

    [Fact]
    public async Task FormBody_AppendToAFlag_ReplacesTheFlag()
    {
        var path = await RouteAsync("""{"append":{"body":["flag:v","list:b"]}}""");
        var result = await PostAsync(path, new StringContent("flag&list=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal("flag=v&list=a&list=b", result["body"]!.GetValue<string>());
    }

    private static string Parts(params string[] parts) =>
        string.Concat(parts.Select(p => "--XyZ\r\n" + p + "\r\n")) + "--XyZ--\r\n";

    private async Task<string> RouteAsync(string config)
    {
        var path = "/rt-body-" + Guid.NewGuid().ToString("N");
        var service = await node.Node.CreateAsync("/services", $$"""{"host":"127.0.0.1","port":{{echo.Port}}}""");
        var route = await node.Node.CreateAsync($"/services/{service["id"]}/routes", $$"""{"paths":["{{path}}"]}""");
        await node.Node.CreateAsync($"/routes/{route["id"]}/plugins", $$"""{"name":"request-transformer","config":{{config}}}""");
        return path;
    }

    private async Task<JsonNode> PostAsync(string path, HttpContent content)
    {
        using var response = await node.Proxy.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }
}

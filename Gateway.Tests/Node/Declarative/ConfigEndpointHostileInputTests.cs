using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Node.Admin;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Declarative;

/// <summary>Hostile bodies on <c>POST /config</c> (issue 21): Kong's answers, never a 500, and the served config unchanged on a refusal.</summary>
public sealed class ConfigEndpointHostileInputTests(DbLessHostileInputNode fixture) : IClassFixture<DbLessHostileInputNode>
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task DuplicatedKeys_KeepTheLastValue_InTheBodyTheConfigStringAndAFormField()
    {
        var inner = """{"_format_version":"3.0","services":[{"name":"first","name":"from-string","host":"dup.test"}]}""";
        string[] bodies =
        [
            """{"_format_version":"3.0","services":[{"name":"first","name":"from-body","host":"dup.test"}]}""",
            new JsonObject { ["config"] = inner }.ToJsonString(),
        ];
        string[] names = ["from-body", "from-string"];
        for (var i = 0; i < bodies.Length; i++)
        {
            var (status, _) = await Node.CallAsync(HttpMethod.Post, "/config", bodies[i]);
            Assert.Equal(201, status);
            var (found, _) = await Node.CallAsync(HttpMethod.Get, $"/services/{names[i]}");
            Assert.Equal(200, found);
        }

        using var form = new FormUrlEncodedContent([new("config", inner.Replace("from-string", "from-form", StringComparison.Ordinal))]);
        using var posted = await Node.Admin.PostAsync("/config", form);
        Assert.Equal(201, (int)posted.StatusCode);
        var (formFound, _) = await Node.CallAsync(HttpMethod.Get, "/services/from-form");
        Assert.Equal(200, formFound);
    }

    [Fact]
    public async Task InvalidText_IsA400_AndTheServedConfigStays()
    {
        var (loaded, _) = await Node.CallAsync(HttpMethod.Post, "/config", """{"_format_version":"3.0","services":[{"name":"kept","host":"kept.test"}]}""");
        Assert.Equal(201, loaded);

        var (json, jsonBody) = await PostAsync("application/json", Encoding.Latin1.GetBytes("{\"_format_version\":\"3.0\",\"services\":[{\"name\":\"a\u00ff\",\"host\":\"h.test\"}]}"));
        Assert.Equal(400, json);
        JsonAssert.Equal("""{"message":"Cannot parse JSON body"}""", jsonBody);

        var surrogate = new JsonObject { ["config"] = """{"_format_version":"3.0","services":[{"name":"\ud800","host":"h.test"}]}""" }.ToJsonString();
        var (text, textBody) = await Node.CallAsync(HttpMethod.Post, "/config", surrogate);
        Assert.Equal(400, text);
        Assert.Equal(14, textBody!["code"]!.GetValue<int>());

        var (yaml, yamlBody) = await PostAsync("application/x-yaml", Encoding.Latin1.GetBytes("_format_version: \"3.0\"\nservices:\n- name: a\u00ff\n  host: h.test\n"));
        Assert.Equal(400, yaml);
        Assert.Equal(14, yamlBody!["code"]!.GetValue<int>());
        Assert.Equal("failed parsing declarative configuration: the text is not valid UTF-8", yamlBody["fields"]!["error"]!.GetValue<string>());

        var (kept, _) = await Node.CallAsync(HttpMethod.Get, "/services/kept");
        Assert.Equal(200, kept);
    }

    [Fact]
    public async Task StalledBody_Is408AfterTheBodyTimeout()
    {
        var response = await RawHttp.SendAsync(
            Node.AdminPort, "POST /config HTTP/1.1\r\nHost: admin\r\nContent-Type: application/json\r\nContent-Length: 1000", "{\"_format_version\""u8.ToArray());

        Assert.Equal(408, response.Status);
        JsonAssert.Equal("""{"message":"Request timeout"}""", response.Json);
    }

    private async Task<(int Status, JsonNode? Body)> PostAsync(string contentType, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Node.Admin.PostAsync("/config", content);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }
}

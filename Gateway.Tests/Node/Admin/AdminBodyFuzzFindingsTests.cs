using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>Bodies the Admin API body fuzz harnesses (infra/fuzz) found answered with a 500, kept as regressions.</summary>
public sealed class AdminBodyFuzzFindingsTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private TestNode Node => fixture.Node;

    [Theory]
    [InlineData("\n")] // the fuzzer's minimised find
    [InlineData("--fuzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ncut-short")]
    public async Task MultipartBody_EndingBeforeItsClosingBoundary_Is400(string body)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=fuzz");

        using var response = await Node.Admin.PostAsync("/services", content);

        Assert.Equal(400, (int)response.StatusCode);
        JsonAssert.Equal("""{"message":"Cannot parse form body"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task FormBody_HugeArrayIndex_IsNoAllocation()
    {
        // The fuzzer's find: "[44242442]=" padded an array with 44 million nulls (OutOfMemoryException).
        using var content = new StringContent("name=huge-index&host=huge.test&tags[44242442]=a", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await Node.Admin.PostAsync("/services", content);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("tags[44242442]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FormBody_KeyNestedPast64Levels_Is400()
    {
        // The multipart harness's find: a key of a thousand dots nested past what can be written back as JSON.
        var key = "config" + string.Concat(Enumerable.Repeat(".a", 70));
        using var content = new StringContent($"name=key-auth&{key}=1", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await Node.Admin.PostAsync("/plugins", content);

        Assert.Equal(400, (int)response.StatusCode);
        JsonAssert.Equal("""{"message":"Cannot parse form body"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task JsonBody_RepeatedKey_IsNeverA500()
    {
        // The repeated key failed on first access, in validation: "database error", a 500. Refusing it (400) or
        // keeping the last value as Kong's cjson does (201) is issue 21 item 5's rule; a 500 is neither.
        using var response = await Node.SendJsonAsync(HttpMethod.Post, "/services", """{"name":"dup-first","name":"dup-last","host":"dup.test"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        if ((int)response.StatusCode == 201)
        {
            Assert.Equal("dup-last", body["name"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(400, (int)response.StatusCode);
        }
    }

    [Fact]
    public async Task JsonBody_InvalidUtf8_Is400()
    {
        // The fuzzer's find: byte 0x8C in a member name failed on first access (InvalidOperationException).
        using var content = new ByteArrayContent([.. "{\""u8, 0x8C, .. "\":\"x\",\"host\":\"utf8.test\"}"u8]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");

        using var response = await Node.Admin.PostAsync("/services", content);

        Assert.Equal(400, (int)response.StatusCode);
    }
}

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
}

using Gateway.Node.Proxy;

namespace Gateway.Tests.Node.Proxy;

/// <summary>Kong's choice of error body format (kong/tools/http.lua, kong/pdk/response.lua).</summary>
public sealed class ErrorTemplatesTests
{
    [Theory]
    [InlineData(null, "application/json; charset=utf-8")]
    [InlineData("application/json", "application/json; charset=utf-8")]
    [InlineData("text/html", "text/html; charset=utf-8")]
    [InlineData("text/html;q=0.2, application/xml;q=0.9", "application/xml; charset=utf-8")]
    [InlineData("text/plain, text/html;q=0.5", "text/plain; charset=utf-8")]
    [InlineData("*/*", "application/json; charset=utf-8")]
    [InlineData("image/png", "application/json; charset=utf-8")]
    public void ForResponseError_HighestQualityKnownType(string? accept, string expected) =>
        Assert.Equal(expected, ErrorTemplates.ForResponseError(accept));

    [Theory]
    [InlineData(null, null, "text/plain; charset=utf-8")]
    [InlineData("application/json", null, "application/json; charset=utf-8")]
    [InlineData(null, "application/xml", "application/xml; charset=utf-8")]
    [InlineData("text/*", null, "text/plain; charset=utf-8")]
    [InlineData("*/*", null, "application/json; charset=utf-8")]
    [InlineData("text/html; charset=utf-8", null, "text/html; charset=utf-8")]
    public void ForProxyError_AcceptThenContentTypeThenTextPlain(string? accept, string? contentType, string expected) =>
        Assert.Equal(expected, ErrorTemplates.ForProxyError(accept, contentType));

    [Fact]
    public void Render_EachFormat_AsKong()
    {
        Assert.Equal("{\n  \"message\":\"The upstream server is timing out\",\n  \"request_id\":\"abc\"\n}", ErrorTemplates.Render(ErrorTemplates.Json, "The upstream server is timing out", "abc"));
        Assert.Equal("The upstream server is timing out\nrequest_id: abc\n", ErrorTemplates.Render(ErrorTemplates.Plain, "The upstream server is timing out", "abc"));
        Assert.Contains("<message>boom</message>\n  <requestid>abc</requestid>", ErrorTemplates.Render("application/xml; charset=utf-8", "boom", "abc"));
        Assert.Contains("<p>boom.</p>\n    <p>request_id: abc</p>", ErrorTemplates.Render("text/html; charset=utf-8", "boom", "abc"));
    }
}

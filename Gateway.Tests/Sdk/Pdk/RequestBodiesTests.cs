using System.Text;
using Gateway.Plugins.Sdk.Pdk;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Sdk.Pdk;

/// <summary>Reading a request body for a plugin without taking it from the upstream.</summary>
public sealed class RequestBodiesTests
{
    [Fact]
    public async Task ReadAsync_RefusesALargerBody_AndLeavesItForTheUpstream()
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("0123456789"));

        Assert.Null(await RequestBodies.ReadAsync(http.Request, maxSize: 9));
        Assert.Equal("0123456789", Encoding.UTF8.GetString((await RequestBodies.ReadAsync(http.Request, maxSize: 10))!));
        Assert.Equal("0123456789", await new StreamReader(http.Request.Body).ReadToEndAsync());
    }
}

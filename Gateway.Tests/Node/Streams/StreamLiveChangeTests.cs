using System.Net;

namespace Gateway.Tests.Node.Streams;

/// <summary>Config changes while stream connections are open: open ones keep their route and service, new ones follow the new config.</summary>
[Collection(StreamNodeCollection.Name)]
public sealed class StreamLiveChangeTests(StreamNode fixture)
{
    [Fact]
    public async Task RouteMovedThenDeleted_TheOpenConnectionStillEchoes_NewConnectionsFollow()
    {
        await using var backend = StreamBackend.Start("live");
        var (before, after) = (fixture.TakePort(), fixture.TakePort());
        var route = await fixture.Node.RouteAsync(
            $$"""{"url":"tcp://127.0.0.1:{{backend.Port}}"}""", $$"""{"protocols":["tcp"],"destinations":[{"port":{{before}}}]}""");
        await StreamNode.AnsweredByAsync(IPAddress.Loopback, before, backend.Name);
        await using var open = await StreamClient.ConnectAsync(before);
        Assert.Equal(backend.Name, await open.GreetingAsync());

        await fixture.Node.PatchAsync($"/routes/{route}", $$"""{"destinations":[{"port":{{after}}}]}""");
        await StreamNode.AnsweredByAsync(IPAddress.Loopback, after, backend.Name);

        Assert.Null(await StreamClient.WhoAnswersAsync(IPAddress.Loopback, before));
        await open.SendAsync("still here");
        Assert.Equal("still here", await open.ReadTextAsync("still here".Length));

        var (status, _) = await fixture.Node.CallAsync(HttpMethod.Delete, $"/routes/{route}");
        Assert.Equal(204, status);
        await Support.Eventually.HoldsAsync(
            async () => await StreamClient.WhoAnswersAsync(IPAddress.Loopback, after) is null, TimeSpan.FromSeconds(15), "the deleted route no longer answers");

        await open.SendAsync("and here");
        open.EndSending();
        Assert.Equal("and here" + StreamBackend.EndMark, await open.ReadToEndAsync());
    }
}

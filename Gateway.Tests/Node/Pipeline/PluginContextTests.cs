using System.Text.Json.Nodes;
using Gateway.Node.Plugins.CorrelationId;
using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>The SDK's request context, and a plugin's phases run without a node (as a plugin author's unit test would).</summary>
public sealed class PluginContextTests
{
    [Fact]
    public void Exit_EncodesJsonAsKong_AndTheFirstAnswerWins()
    {
        var context = PluginContext.ForTests(new DefaultHttpContext());
        context.Exit(403, PluginContext.Message("Tenant 'x' is <not> allowed"), [new("WWW-Authenticate", "Key")]);
        context.Error(500);
        var exit = context.Exited!;
        Assert.Equal(403, exit.Status);
        Assert.Equal("""{"message":"Tenant 'x' is <not> allowed"}""", exit.Body);
        Assert.Equal("application/json; charset=utf-8", exit.ContentType);
        Assert.Equal([new KeyValuePair<string, string>("WWW-Authenticate", "Key")], exit.Headers);
        Assert.False(exit.IsError);
    }

    [Fact]
    public void SetConsumerHeaders_SetsKongsHeaders_AndRemovesForgedOnes()
    {
        var http = new DefaultHttpContext();
        http.Request.Headers["X-Consumer-Custom-ID"] = "forged";
        var context = PluginContext.ForTests(http);
        var consumer = new JsonObject { ["id"] = "c1", ["username"] = "alice" };
        context.Authenticate(consumer, new JsonObject { ["id"] = "k1" });
        context.SetConsumerHeaders(consumer, "k1", anonymous: false);
        Assert.Equal("c1", context.ConsumerId);
        Assert.Equal("c1", http.Request.Headers["X-Consumer-ID"]);
        Assert.Equal("alice", http.Request.Headers["X-Consumer-Username"]);
        Assert.Equal("k1", http.Request.Headers["X-Credential-Identifier"]);
        Assert.False(http.Request.Headers.ContainsKey("X-Consumer-Custom-ID"));
        Assert.False(http.Request.Headers.ContainsKey("X-Anonymous-Consumer"));
    }

    [Fact]
    public async Task PluginPhases_RunWithoutANode()
    {
        IGatewayPlugin plugin = new CorrelationIdPlugin();
        Assert.Equal(PluginPhases.Access | PluginPhases.HeaderFilter, plugin.Phases);
        var config = plugin.CompileConfig(
            JsonNode.Parse("""{"header_name":"X-Id","generator":"uuid","echo_downstream":true}""")!.AsObject(),
            new PluginInstance("id", "correlation-id", null, null, null, null));
        var http = new DefaultHttpContext();
        var context = PluginContext.ForTests(http);
        await plugin.AccessAsync(context, config);
        plugin.HeaderFilter(context, config);
        Assert.Equal(36, http.Request.Headers["X-Id"].ToString().Length);
        Assert.Equal(http.Request.Headers["X-Id"], http.Response.Headers["X-Id"]);
        Assert.Equal(http.Request.Headers["X-Id"].ToString(), context.LogValues["correlation_id"]!.GetValue<string>());
    }
}

using System.Text.Json.Nodes;
using Gateway.Node.Plugins.CorrelationId;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Engine;
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

    [Fact]
    public void EngineSide_SetsTheMatchedRoute_AndReadsTheLogValues()
    {
        var context = new PluginContext(new DefaultHttpContext(), new PluginRequest("req-1", "10.0.0.1", "https", "example.com", "/users/42"), new NoConsumers());
        var engine = (IPluginContextEngine)context;
        Assert.Null(context.Route);
        Assert.Null(engine.LogValuesIfAny);

        var route = new JsonObject { ["id"] = "r1" };
        engine.SetRoute(new PluginRoute(route, "r1", null, null, ["/users/42", "42"], new Dictionary<string, string> { ["id"] = "42" }));
        context.LogValues["tenant"] = "acme";

        Assert.Same(route, context.Route);
        Assert.Equal("r1", context.RouteId);
        Assert.Null(context.ServiceId);
        Assert.Equal(["/users/42", "42"], context.UriCaptures);
        Assert.Equal("42", context.NamedUriCaptures["id"]);
        Assert.Equal("acme", engine.LogValuesIfAny!["tenant"]!.GetValue<string>());
        Assert.Equal(("req-1", "10.0.0.1", "https", "example.com", "/users/42"), (context.RequestId, context.ClientIp, context.Scheme, context.Host, context.Path));
    }

    private sealed class NoConsumers : IConsumerStore
    {
        public Task<JsonObject?> FindAsync(string entity, string field, string value) => Task.FromResult<JsonObject?>(null);

        public Task<IReadOnlyList<JsonObject>> ListAsync(string entity, string foreignField, string id) => Task.FromResult<IReadOnlyList<JsonObject>>([]);
    }
}

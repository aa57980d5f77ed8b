using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.BasicAuth;
using Gateway.Plugins.Sdk;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Node.Plugins.BasicAuth;

/// <summary>
/// basic-auth's bcrypt checks under a flood, run on the plugin's phase without a node: a pool of one thread and
/// two waiting checks, which a test holds with a gate, so "answered at once" is "completed before the gate
/// opened" and "checked once" is the pool's count, never a time.
/// </summary>
public sealed class BasicAuthVerificationTests : IDisposable
{
    private const string ConsumerId = "3f9a6c1e-8d2b-4c47-9e0f-5a1b2c3d4e5f";
    private const string AnonymousId = "6e2d1c0b-7a4f-4b38-8c9d-0e1f2a3b4c5d";

    private static readonly BasicAuthConfig Plain = new(null, false, "service");
    private static readonly BasicAuthConfig WithAnonymous = new(AnonymousId, false, "service");

    private readonly HeldVerificationPool _held = new(2);
    private readonly Rows _rows = new();
    private readonly BasicAuthPlugin _plugin;

    public BasicAuthVerificationTests()
    {
        _plugin = new BasicAuthPlugin(_held.Pool, TimeProvider.System);
        _rows.Set("consumers", new JsonObject { ["id"] = ConsumerId, ["username"] = "alice" });
        _rows.Set("consumers", new JsonObject { ["id"] = AnonymousId, ["username"] = "guest" });
        SetPassword("right");
    }

    public void Dispose() => _held.Dispose();

    [Fact]
    public async Task FullPool_Answers429WithRetryAfter_AtOnce()
    {
        _held.Fill();
        var context = Context("guess");

        var access = _plugin.AccessAsync(context, Plain);

        Assert.True(access.IsCompleted);
        await access;
        var exit = context.Exited!;
        Assert.Equal(429, exit.Status);
        Assert.Equal("Too many authentication attempts", exit.Body);
        Assert.True(exit.IsError);
        Assert.Equal([new("Retry-After", "1")], exit.Headers);
    }

    [Fact]
    public async Task FullPool_WithAnonymous_Answers429_NotAsTheAnonymousConsumer()
    {
        _held.Fill();

        var context = await AccessAsync("right", WithAnonymous);

        Assert.Equal(429, context.Exited!.Status);
        Assert.Null(context.ConsumerId);
    }

    [Fact]
    public async Task RepeatedWrongPassword_IsCheckedOnce_AndAnswers401Each_Time()
    {
        for (var i = 0; i < 10; i++)
        {
            var exit = (await AccessAsync("wrong", Plain)).Exited!;
            Assert.Equal(401, exit.Status);
            Assert.Equal("Unauthorized", exit.Body);
            Assert.Equal([new("WWW-Authenticate", "Basic realm=\"service\"")], exit.Headers);
        }

        Assert.Equal(1, _held.Pool.Completed);
    }

    [Fact]
    public async Task CorrectPassword_Authenticates_WhileWrongOnesFillThePool()
    {
        Assert.Equal(ConsumerId, (await AccessAsync("right", Plain)).ConsumerId);
        _held.Hold();
        var waiting = new[] { Context("guess-1"), Context("guess-2") }.Select(c => (Context: c, Access: _plugin.AccessAsync(c, Plain).AsTask())).ToList();
        var refused = await AccessAsync("guess-3", Plain);

        var login = Context("right");
        var access = _plugin.AccessAsync(login, Plain);

        Assert.True(access.IsCompleted);
        await access;
        Assert.Null(login.Exited);
        Assert.Equal(ConsumerId, login.ConsumerId);
        Assert.Equal(429, refused.Exited!.Status);
        _held.Release();
        await Task.WhenAll(waiting.Select(w => w.Access));
        Assert.All(waiting, w => Assert.Equal(401, w.Context.Exited!.Status));
    }

    [Fact]
    public async Task FirstLogin_GetsItsTurn_WhileAFloodOfOneWrongPasswordWaits()
    {
        _held.Hold();
        var flood = Enumerable.Range(0, 20).Select(_ => Context("wrong")).Select(c => (Context: c, Access: _plugin.AccessAsync(c, Plain).AsTask())).ToList();

        var login = Context("right");
        var access = _plugin.AccessAsync(login, Plain).AsTask();

        Assert.False(access.IsCompleted);
        _held.Release();
        await access;
        Assert.Null(login.Exited);
        Assert.Equal(ConsumerId, login.ConsumerId);
        await Task.WhenAll(flood.Select(f => f.Access));
        Assert.All(flood, f => Assert.Equal(401, f.Context.Exited!.Status));
        Assert.Equal(3, _held.Pool.Completed);
    }

    [Fact]
    public async Task ChangedPassword_TakesEffectAtOnce_OverKeptVerdicts()
    {
        Assert.Equal(401, (await AccessAsync("next", Plain)).Exited!.Status);
        Assert.Equal(ConsumerId, (await AccessAsync("right", Plain)).ConsumerId);

        SetPassword("next");

        Assert.Equal(ConsumerId, (await AccessAsync("next", Plain)).ConsumerId);
        Assert.Equal(401, (await AccessAsync("right", Plain)).Exited!.Status);
        Assert.Equal(4, _held.Pool.Completed);
    }

    /// <summary>The credential as the Admin API stores it: a BCrypt hash (cost 4 here, so tests stay fast).</summary>
    private void SetPassword(string password) => _rows.Set("basicauth_credentials", new JsonObject
    {
        ["id"] = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e",
        ["username"] = "alice-login",
        ["password"] = BCrypt.Net.BCrypt.HashPassword(password, workFactor: 4),
        ["consumer"] = new JsonObject { ["id"] = ConsumerId },
    });

    private PluginContext Context(string password)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice-login:{password}"));
        return PluginContext.ForTests(http, _rows);
    }

    private async Task<PluginContext> AccessAsync(string password, BasicAuthConfig config)
    {
        var context = Context(password);
        await _plugin.AccessAsync(context, config);
        return context;
    }

    /// <summary>Consumers and credentials by id, as the node's store finds them (the last row set with an id wins).</summary>
    private sealed class Rows : IConsumerStore
    {
        private readonly Dictionary<(string Entity, string Id), JsonObject> _rows = [];

        public void Set(string entity, JsonObject row) => _rows[(entity, row["id"]!.GetValue<string>())] = row;

        public Task<JsonObject?> FindAsync(string entity, string field, string value) =>
            Task.FromResult(_rows.Where(r => r.Key.Entity == entity && r.Value[field]?.GetValue<string>() == value).Select(r => r.Value).FirstOrDefault());

        public Task<IReadOnlyList<JsonObject>> ListAsync(string entity, string foreignField, string id) => Task.FromResult<IReadOnlyList<JsonObject>>([]);
    }
}

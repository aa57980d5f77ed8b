using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.StandardWebhooks;

/// <summary>Plugin: standard-webhooks (access), as Kong's spec/03-plugins/44-standard-webhooks/02-integration_spec.lua.</summary>
[Collection(PluginNodeCollection.Name)]
public sealed class StandardWebhooksAccessTests(PluginNode node)
{
    private const string Secret = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Body = """{"foo":"bar"}""";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task CorrectSignature_ReachesTheUpstream_WithTheBody()
    {
        var path = await RouteAsync();
        using var response = await PostAsync(path, Body, MessageId, Sign(MessageId, Now, Body), Now.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(Body.Length, echo["body_length"]!.GetValue<int>());
    }

    [Fact]
    public async Task MissingSignature_IsKongsBadRequest_AndNeverReachesTheUpstream()
    {
        var path = await RouteAsync();
        var before = node.Backend.Requests;
        using var response = await PostAsync(path, Body, MessageId, null, Now.ToString());
        await AssertBadRequestAsync(response);
        Assert.Equal(before, node.Backend.Requests);
    }

    [Fact]
    public async Task UnparsableTimestamp_IsRefused()
    {
        var path = await RouteAsync();
        using var response = await PostAsync(path, Body, MessageId, "asdf", "XYZ");
        await AssertBadRequestAsync(response);
    }

    [Fact]
    public async Task MissingBody_IsRefused()
    {
        var path = await RouteAsync();
        using var response = await PostAsync(path, null, MessageId, Sign(MessageId, Now, ""), Now.ToString());
        await AssertBadRequestAsync(response);
    }

    [Fact]
    public async Task TimestampOlderThanTheTolerance_IsRefused()
    {
        var path = await RouteAsync();
        var old = Now - (6 * 60);
        using var response = await PostAsync(path, Body, MessageId, Sign(MessageId, old, Body), old.ToString());
        await AssertBadRequestAsync(response);
    }

    [Fact]
    public async Task ToleranceSecond_IsTheConfiguredOne()
    {
        var path = await RouteAsync(""","tolerance_second":600""");
        var old = Now - (6 * 60);
        using var response = await PostAsync(path, Body, MessageId, Sign(MessageId, old, Body), old.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task FutureTimestamp_Passes_AsKongOnlyBoundsTheAge()
    {
        var path = await RouteAsync();
        var later = Now + 3600;
        using var response = await PostAsync(path, Body, MessageId, Sign(MessageId, later, Body), later.ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("another secret", MessageId, Body)]
    [InlineData(Secret, "msg_other", Body)]
    [InlineData(Secret, MessageId, """{"foo":"baz"}""")]
    public async Task SignatureOfOtherSecretIdOrBody_IsRefused(string secret, string signedId, string signedBody)
    {
        var path = await RouteAsync();
        var ts = Now;
        using var response = await PostAsync(path, Body, MessageId, Sign(signedId, ts, signedBody, secret), ts.ToString());
        await AssertBadRequestAsync(response);
    }

    [Fact]
    public async Task MissingSecret_IsKongsSchemaViolation()
    {
        var (status, body) = await node.Node.CallAsync(HttpMethod.Post, "/plugins", """{"name":"standard-webhooks","config":{"tolerance_second":-2}}""");
        Assert.Equal(400, status);
        JsonAssert.Equal(
            """
            {"code":2,"name":"schema violation",
             "message":"2 schema violations (config.secret_v1: required field missing; config.tolerance_second: value must be greater than -1)",
             "fields":{"config":{"secret_v1":"required field missing","tolerance_second":"value must be greater than -1"}}}
            """,
            body);
    }

    /// <summary>The Standard Webhooks signature, computed here from the spec: HMAC-SHA256 over "id.timestamp.body", base64, "v1," prefix.</summary>
    private static string Sign(string id, long timestamp, string body, string secret = Secret) =>
        "v1," + Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));

    private static async Task AssertBadRequestAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Bad request", body["message"]!.GetValue<string>());
        Assert.Equal(response.Headers.GetValues("X-Kong-Request-Id").Single(), body["request_id"]!.GetValue<string>());
    }

    private Task<string> RouteAsync(string extra = "") =>
        node.RouteWithPluginsAsync(("standard-webhooks", $$"""{"secret_v1":"{{Secret}}"{{extra}}}"""));

    private Task<HttpResponseMessage> PostAsync(string path, string? body, string id, string? signature, string timestamp)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        if (signature is not null)
        {
            request.Headers.Add("webhook-signature", signature);
        }

        return node.Proxy.SendAsync(request);
    }
}

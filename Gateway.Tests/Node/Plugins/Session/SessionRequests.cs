using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Session;

/// <summary>What the session tests send and read: a proxied request with a cookie or a key, and its answer.</summary>
internal static class SessionRequests
{
    /// <summary>A request through <paramref name="proxy"/>; the status, the echo's JSON (on 200), the Set-Cookie headers and the response.</summary>
    public static async Task<SessionAnswer> SendAsync(
        HttpClient proxy, HttpMethod method, string target, string? cookie = null, string? key = null, HttpContent? content = null)
    {
        using var request = AuthNode.Request(method, target);
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        if (key is not null)
        {
            request.Headers.Add("apikey", key);
        }

        request.Content = content;
        var response = await proxy.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var echo = response.StatusCode == HttpStatusCode.OK && body.StartsWith('{') ? JsonNode.Parse(body)!.AsObject() : null;
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        return new SessionAnswer(response.StatusCode, echo, cookies, response);
    }

    /// <summary>
    /// A route /<paramref name="name"/> to the backend with session (extra config) and key-auth, whose anonymous
    /// consumer (as Kong's docs set it up) lets requests without a session through; a consumer with a key on it.
    /// </summary>
    public static async Task<LoginRoute> LoginRouteAsync(AdminCall admin, int backendPort, string name, string sessionConfig = "{}")
    {
        async Task<JsonObject> Create(string path, string json)
        {
            var (status, body) = await admin(HttpMethod.Post, path, json);
            Assert.True(status == 201, body?.ToJsonString());
            return body!.AsObject();
        }

        var anonymous = await Create("/consumers", $$"""{"username":"{{name}}-anonymous"}""");
        var service = await Create("/services", $$"""{"name":"{{name}}","host":"127.0.0.1","port":{{backendPort}}}""");
        var route = await Create($"/services/{service["id"]}/routes", $$"""{"paths":["/{{name}}"]}""");
        await Create("/plugins", $$$"""{"name":"session","route":{"id":"{{{route["id"]}}}"},"config":{{{sessionConfig}}}}""");
        await Create("/plugins", $$$"""{"name":"key-auth","route":{"id":"{{{route["id"]}}}"},"config":{"anonymous":"{{{anonymous["id"]}}}"}}""");
        var consumer = await Create("/consumers", $$"""{"username":"{{name}}","custom_id":"{{name}}-custom"}""");
        var credential = await Create($"/consumers/{consumer["id"]}/key-auth", $$"""{"key":"{{name}}-key"}""");
        return new LoginRoute($"/{name}", consumer["id"]!.GetValue<string>(), credential["id"]!.GetValue<string>(), anonymous["id"]!.GetValue<string>());
    }

    /// <summary>A header the backend received ("" when it did not).</summary>
    public static string Upstream(JsonObject? echo, string header) => echo!["headers"]![header]?.GetValue<string>() ?? "";

    /// <summary>The <c>name=value</c> part of a Set-Cookie, as a browser sends it back.</summary>
    public static string CookieOf(string setCookie) => setCookie.Split(';')[0];

    /// <summary>The one Set-Cookie of the cookie <paramref name="name"/>.</summary>
    public static string SetCookieNamed(IReadOnlyList<string> setCookies, string name) => Assert.Single(setCookies, c => c.StartsWith($"{name}=", StringComparison.Ordinal));

    /// <summary>The value a Set-Cookie of <paramref name="name"/> sets.</summary>
    public static string ValueOf(IReadOnlyList<string> setCookies, string name) => CookieOf(SetCookieNamed(setCookies, name))[(name.Length + 1)..];

    /// <summary>An Admin API call of a node (<see cref="TestNode.CallAsync"/>, <see cref="ClusterNode.CallAsync"/>).</summary>
    public delegate Task<(int Status, JsonNode? Body)> AdminCall(HttpMethod method, string path, string? json);

    /// <summary>A route of <see cref="LoginRouteAsync"/>: its path, the consumer's and its key's ids, the anonymous consumer's id.</summary>
    public sealed record LoginRoute(string Path, string Consumer, string Credential, string Anonymous);

    /// <summary>A proxied answer.</summary>
    public sealed record SessionAnswer(HttpStatusCode Status, JsonObject? Echo, IReadOnlyList<string> SetCookies, HttpResponseMessage Response);
}

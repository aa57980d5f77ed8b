using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins;

/// <summary>
/// One gateway node and one echoing backend for an auth plugin's test class: routes are made per
/// test (each on its own path, with its plugins), and answers come back as <see cref="Answer"/>.
/// Shared by the auth plugins' tests (key-auth, basic-auth, jwt, hmac-auth, acl).
/// </summary>
public class AuthNode : NodeFixture
{
    private string _service = "";
    private int _routes;

    /// <inheritdoc />
    protected override string BackendName => "auth";

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _service = (await Node.CreateAsync("/services", $$"""{"name":"auth","host":"127.0.0.1","port":{{Backend.Port}}}"""))["id"]!.GetValue<string>();
    }

    /// <summary>Creates a route on a fresh path with the given plugins (JSON objects with name and config); returns its path.</summary>
    public async Task<string> RouteAsync(params string[] plugins)
    {
        var path = $"/r{Interlocked.Increment(ref _routes)}";
        var route = await Node.CreateAsync($"/services/{_service}/routes", $$"""{"paths":["{{path}}"]}""");
        foreach (var plugin in plugins)
        {
            var row = JsonNode.Parse(plugin)!.AsObject();
            row["route"] = new JsonObject { ["id"] = route["id"]!.DeepClone() };
            await Node.CreateAsync("/plugins", row.ToJsonString());
        }

        return path;
    }

    /// <summary>Creates a consumer; returns its row.</summary>
    public Task<JsonObject> ConsumerAsync(string username, string? customId = null) =>
        Node.CreateAsync("/consumers", customId is null
            ? $$"""{"username":"{{username}}"}"""
            : $$"""{"username":"{{username}}","custom_id":"{{customId}}"}""");

    /// <summary>Sends a request through the proxy.</summary>
    public async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await Node.Proxy.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return new Answer(response.StatusCode, body, response.Headers.WwwAuthenticate.ToString(), response.Content.Headers.ContentType?.ToString());
        }
    }

    /// <summary>A GET with the given headers.</summary>
    public Task<Answer> GetAsync(string target, params (string Name, string Value)[] headers) =>
        SendAsync(Request(HttpMethod.Get, target, headers));

    /// <summary>A request with headers (added without validation, as a client may send them).</summary>
    public static HttpRequestMessage Request(HttpMethod method, string target, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, target);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    /// <summary>A POST with a body of the given content type.</summary>
    public Task<Answer> PostAsync(string target, string body, string contentType, params (string Name, string Value)[] headers)
    {
        var request = Request(HttpMethod.Post, target, headers);
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(request);
    }
}

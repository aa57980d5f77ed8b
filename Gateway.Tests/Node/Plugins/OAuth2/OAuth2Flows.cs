using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Node.Plugins.OAuth2;

/// <summary>Requests the oauth2 tests make: form posts to the plugin's endpoints and bearer calls, over a given client.</summary>
internal static class OAuth2Flows
{
    /// <summary>A verifier of 43+ characters and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    /// <summary>A form POST; returns the status, the parsed body and the WWW-Authenticate header.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body, string Challenge)> PostAsync(
        HttpClient client, string target, IEnumerable<KeyValuePair<string, string>> form, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new FormUrlEncodedContent(form) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>Form fields from pairs.</summary>
    public static KeyValuePair<string, string>[] Form(params (string Name, string Value)[] fields) =>
        [.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))];

    /// <summary>A POST to the route's /oauth2/token with the client's id and secret and the given fields.</summary>
    public static Task<(HttpStatusCode Status, JsonObject Body, string Challenge)> TokenAsync(
        HttpClient client, string path, JsonObject application, params (string Name, string Value)[] fields) =>
        PostAsync(client, path + "/oauth2/token", Form([("client_id", Id(application)), ("client_secret", Secret(application)), .. fields]));

    /// <summary>An oauth2 credential's client_id.</summary>
    public static string Id(JsonObject client) => client["client_id"]!.GetValue<string>();

    /// <summary>An oauth2 credential's client_secret.</summary>
    public static string Secret(JsonObject client) => client["client_secret"]!.GetValue<string>();

    /// <summary>A GET with a bearer token; the status and the body (the echo backend's JSON on success).</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body, string Challenge)> GetAsync(HttpClient client, string target, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>A parameter of a URI's query (or fragment).</summary>
    public static string? Parameter(string uri, string name, bool fragment = false)
    {
        var part = fragment ? uri[(uri.IndexOf('#', StringComparison.Ordinal) + 1)..] : new Uri(uri).Query.TrimStart('?');
        return part.Split('&').Select(p => p.Split('=', 2)).Where(p => Uri.UnescapeDataString(p[0]) == name)
            .Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")).FirstOrDefault();
    }
}

using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Node.Plugins;

/// <summary>What the proxy answered.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body text.</param>
/// <param name="WwwAuthenticate">The WWW-Authenticate header, empty when absent.</param>
/// <param name="ContentType">The Content-Type, if any.</param>
public sealed record Answer(HttpStatusCode Status, string Body, string WwwAuthenticate, string? ContentType)
{
    /// <summary>The body as JSON.</summary>
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    /// <summary>The message of a JSON answer.</summary>
    public string? Message => Json["message"]?.GetValue<string>();

    /// <summary>A header the backend received (lower-case name), or null; fails unless the backend answered.</summary>
    public string? Upstream(string header)
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected the backend's 200, got {(int)Status}: {Body}");
        return Json["headers"]![header]?.GetValue<string>();
    }

    /// <summary>The request target the backend received.</summary>
    public string Target
    {
        get
        {
            Assert.True(Status == HttpStatusCode.OK, $"expected the backend's 200, got {(int)Status}: {Body}");
            return Json["target"]!.GetValue<string>();
        }
    }
}

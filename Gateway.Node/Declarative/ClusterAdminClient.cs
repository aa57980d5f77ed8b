using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Declarative;

/// <summary>The Admin API of one cluster, as <c>config sync</c> uses it: paged reads and entity writes.</summary>
public sealed class ClusterAdminClient(HttpClient http, string baseUrl)
{
    /// <summary>
    /// The header the RBAC token travels in: Kong Enterprise's default <c>rbac_auth_header</c>, the one decK and Kong
    /// Manager send. A cluster with another rbac_auth_header is not reachable with a token from here.
    /// </summary>
    public const string TokenHeader = "Kong-Admin-Token";

    private readonly string _base = baseUrl.TrimEnd('/');

    /// <summary>The cluster's Admin API address.</summary>
    public string BaseUrl => _base;

    /// <summary>Every entity of a collection, following Kong's <c>next</c> links.</summary>
    /// <exception cref="ClusterException">The cluster did not answer, or refused.</exception>
    public async Task<IReadOnlyList<JsonObject>> ListAllAsync(string path, CancellationToken cancellationToken)
    {
        var rows = new List<JsonObject>();
        string? next = $"/{path}?size=1000";
        while (next is not null)
        {
            var page = await SendAsync(HttpMethod.Get, next, null, cancellationToken) as JsonObject
                ?? throw new ClusterException($"GET {next} did not answer with a page");
            rows.AddRange(page["data"]?.AsArray().OfType<JsonObject>().Select(r => (JsonObject)r.DeepClone()) ?? []);
            next = page["next"] is JsonValue link && link.GetValueKind() == JsonValueKind.String ? link.GetValue<string>() : null;
        }

        return rows;
    }

    /// <summary>Sends one request; returns the JSON answer (null for an empty one).</summary>
    /// <exception cref="ClusterException">The cluster did not answer, or answered with an error.</exception>
    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _base + path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ClusterException($"unreachable ({e.Message})", unreachable: true);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // The cluster's own words (Kong's "Invalid RBAC credentials", "<name>, you do not have permissions to ..."), on one line.
                throw new ClusterException($"{method} {path} refused ({(int)response.StatusCode}): {KongMessage(text)}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ClusterException($"{method} {path} answered {(int)response.StatusCode}: {text}");
            }

            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }

    /// <summary>Sends <paramref name="token"/> in <see cref="TokenHeader"/> with every request of <paramref name="client"/>.</summary>
    public static void UseToken(HttpClient client, string token) =>
        client.DefaultRequestHeaders.TryAddWithoutValidation(TokenHeader, token);

    private static string KongMessage(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject { } body && body["message"] is JsonValue message && message.GetValueKind() == JsonValueKind.String)
            {
                return message.GetValue<string>();
            }
        }
        catch (JsonException)
        {
            // Not Kong's JSON: the text as it came, on one line.
        }

        return text.ReplaceLineEndings(" ");
    }
}

/// <summary>A cluster that could not be synced: down, or refusing a request.</summary>
public sealed class ClusterException(string message, bool unreachable = false) : Exception(message)
{
    /// <summary>Whether the cluster did not answer at all.</summary>
    public bool Unreachable { get; } = unreachable;
}

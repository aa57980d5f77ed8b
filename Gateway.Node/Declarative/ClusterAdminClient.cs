using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Declarative;

/// <summary>The Admin API of one cluster, as <c>config sync</c> uses it: paged reads and entity writes.</summary>
public sealed class ClusterAdminClient(HttpClient http, string baseUrl)
{
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
            if (!response.IsSuccessStatusCode)
            {
                throw new ClusterException($"{method} {path} answered {(int)response.StatusCode}: {text}");
            }

            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
    }
}

/// <summary>A cluster that could not be synced: down, or refusing a request.</summary>
public sealed class ClusterException(string message, bool unreachable = false) : Exception(message)
{
    /// <summary>Whether the cluster did not answer at all.</summary>
    public bool Unreachable { get; } = unreachable;
}

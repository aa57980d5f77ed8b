using System.Text.Json.Nodes;
using Gateway.Schema;
using static Gateway.Schema.PluginFields;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>
/// The aggregate plugin's config (ours; Kong has none, KrakenD's endpoint/backend fields are the model): an ordered
/// list of backends, each a call to a service whose JSON answer is shaped and merged into one answer.
/// </summary>
public static class AggregateSchema
{
    /// <summary>
    /// 1: the last in the access phase, so authentication, ACLs, rate limiting, request-transformer and even
    /// request-termination (2) have judged and changed the request before it fans out.
    /// </summary>
    public const int Priority = 1;

    /// <summary>At most this many backends: each is a task and a connection per request.</summary>
    public const int MaxBackends = 32;

    /// <summary>The headers a backend gets from the client by default: content negotiation, credentials, and what the auth plugins set.</summary>
    public static readonly string[] DefaultForwardHeaders =
    [
        "Accept", "Accept-Language", "Authorization", "Content-Type", "User-Agent",
        "X-Consumer-ID", "X-Consumer-Custom-ID", "X-Consumer-Username", "X-Consumer-Groups", "X-Credential-Identifier", "X-Anonymous-Consumer",
    ];

    /// <summary>The plugin schema.</summary>
    public static PluginSchema Schema { get; } = new("aggregate", Priority, Record("config", "The aggregate settings.",
        Array("backends", Backend(), "The backends, called in parallel unless one depends on another; their answers are merged in this order.") with
        {
            Required = true,
            LenMin = 1,
            LenMax = MaxBackends,
        },
        Timeout("timeout", "Milliseconds for the whole fan-out; backends still pending then count as timed out.", 3000) with { Required = true },
        Bool("include_status", false, "Add \"_status\": {backend name: its status, 0 for a timeout} to the answer."),
        Int("max_response_size", "The most bytes read of one backend's answer; a longer one is an error for that backend.", 1048576) with
        {
            Required = true,
            Between = (1, 64 * 1024 * 1024),
        }) with
    {
        Checks = [CheckBackends],
    })
    {
        Protocols = ["http", "https"],
    };

    private static Field Backend() => new("backend", FieldType.Record)
    {
        Fields =
        [
            new Field("name", FieldType.String)
            {
                Required = true,
                Custom = Typedefs.StringCheck(ValidateName),
                Description = "The backend's name: what _status, depends_on and templates call it.",
            },
            new Field("service", FieldType.String)
            {
                Required = true,
                RefersTo = "services",
                Description = "The service called, by id or name: its balancer, retries, TLS settings and timeouts apply.",
            },
            Str("path", "The path below the service's path, a template: {uri_captures.x}, {query.x}, {headers.x}, {consumer.id}, {consumer.username}, {backend.dot.path}.", "/") with
            {
                Required = true,
                StartsWith = "/",
                Custom = Typedefs.StringCheck(ValidateTemplate),
            },
            HttpMethod("method", "The method sent; the client's when unset."),
            Bool("forward_query", true, "Append the client's query string."),
            Array("forward_headers", HeaderName("header"), "The client's headers sent on (by default content negotiation, Authorization and the consumer headers).", Typedefs.Strings(DefaultForwardHeaders)) with { Required = true },
            Bool("forward_body", false, "Send the client's body."),
            Strings("depends_on", "Backends whose answers this one waits for (and may read in its path).") with { Required = true },
            Str("group", "Nest this backend's answer under this key instead of merging it at the top level."),
            Str("target", "A dot path: take only that field of the answer (before allow, deny and mapping)."),
            Strings("allow", "Dot paths kept from the answer; the others are dropped.") with { Required = true },
            Strings("deny", "Dot paths dropped from the answer.") with { Required = true },
            new Field("mapping", FieldType.Map)
            {
                Keys = new Field("from", FieldType.String),
                Values = new Field("to", FieldType.String),
                Description = "Top-level fields renamed: {\"from\": \"to\"}.",
            },
            Bool("is_collection", false, "The answer is an array: wrap it as {\"collection\": [...]}."),
            Bool("required", false, "A failure of this backend fails the whole request (502, or 504 for a timeout)."),
            Timeout("timeout", "Milliseconds for this backend's call.", 2000) with { Required = true },
        ],
    };

    private static string? ValidateName(string name) =>
        name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            ? "must contain only letters, digits, '_' and '-'"
            : PathTemplate.RequestSources.Contains(name) ? $"'{name}' is a template source and cannot name a backend" : null;

    private static string? ValidateTemplate(string path)
    {
        PathTemplate.Parse(path, out var error);
        return error;
    }

    /// <summary>Unique names, dependencies that name other backends and form no cycle, templates that read only what the backend waits for.</summary>
    private static void CheckBackends(JsonObject config, ValidationErrors errors)
    {
        if (config["backends"] is not JsonArray list)
        {
            return;
        }

        var backends = list.OfType<JsonObject>().Select(b => (
            Name: b["name"]!.GetValue<string>(),
            DependsOn: b["depends_on"]!.AsArray().Select(d => d!.GetValue<string>()).ToArray(),
            Reads: PathTemplate.Parse(b["path"]!.GetValue<string>(), out _)!.Backends.ToArray())).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backend in backends.Where(b => !names.Add(b.Name)))
        {
            errors.Entity($"backend name '{backend.Name}' is used more than once");
        }

        foreach (var (name, dependsOn, reads) in backends)
        {
            foreach (var dependency in dependsOn.Where(d => d == name || !names.Contains(d)))
            {
                errors.Entity(dependency == name ? $"backend '{name}' depends on itself" : $"backend '{name}' depends on '{dependency}', which is not a backend");
            }

            foreach (var read in reads.Where(r => !dependsOn.Contains(r)))
            {
                errors.Entity($"backend '{name}': its path reads '{read}', which is not in its depends_on");
            }
        }

        if (errors.IsEmpty && Cycle(backends.ToDictionary(b => b.Name, b => b.DependsOn)) is { } cycle)
        {
            errors.Entity($"backends depend on each other in a cycle: {string.Join(" -> ", cycle)}");
        }
    }

    /// <summary>A dependency cycle, as the names along it back to the first, or null.</summary>
    private static List<string>? Cycle(Dictionary<string, string[]> dependsOn)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string name)
        {
            if (path.IndexOf(name) is var at and >= 0)
            {
                return [.. path[at..], name];
            }

            if (!done.Add(name))
            {
                return null;
            }

            path.Add(name);
            var found = dependsOn[name].Select(Visit).FirstOrDefault(c => c is not null);
            path.RemoveAt(path.Count - 1);
            return found;
        }

        return dependsOn.Keys.Select(Visit).FirstOrDefault(c => c is not null);
    }
}

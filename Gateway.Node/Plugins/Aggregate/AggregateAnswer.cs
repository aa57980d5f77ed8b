using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>
/// The client's answer from the backends' results: Kong's 502 (504 for a timeout) when a required backend failed or
/// none answered; else 200 with the answered parts merged in config order (a later backend wins a key; a group nests
/// a part under its name, null when its backend failed), <c>_status</c> when asked, and
/// <c>X-Gateway-Completed</c> saying whether every backend answered.
/// </summary>
internal static class AggregateAnswer
{
    /// <summary>The header that says whether every backend answered 2xx in time (KrakenD's X-Krakend-Completed).</summary>
    public const string CompletedHeader = "X-Gateway-Completed";

    /// <summary>The completion header for an answer.</summary>
    public static KeyValuePair<string, string> Completed(bool completed) => new(CompletedHeader, completed ? "true" : "false");

    /// <summary>Answers the client.</summary>
    public static void Exit(PluginContext context, AggregateConfig config, BackendResult[] results)
    {
        var completed = Completed(results.All(r => r.Answered));
        var failedRequired = config.Backends.Select((b, i) => (b, r: results[i])).FirstOrDefault(p => p.b.Required && !p.r.Answered).r;
        if (failedRequired is not null || !results.Any(r => r.Answered))
        {
            context.Error(failedRequired?.Outcome == BackendOutcome.TimedOut ? 504 : 502, headers: [completed]);
            return;
        }

        var merged = new JsonObject();
        for (var i = 0; i < results.Length; i++)
        {
            var (backend, result) = (config.Backends[i], results[i]);
            if (backend.Group is { } group)
            {
                Nest(merged, group, result.Part);
            }
            else if (result.Part is JsonObject part)
            {
                Merge(merged, part);
            }
        }

        if (config.IncludeStatus)
        {
            merged["_status"] = Statuses(config, results);
        }

        context.Exit(200, merged, [completed]);
    }

    /// <summary>Each called backend's status, 0 for a timeout; skipped backends are left out.</summary>
    public static JsonObject Statuses(AggregateConfig config, BackendResult[] results)
    {
        var statuses = new JsonObject();
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Outcome != BackendOutcome.Skipped)
            {
                statuses[config.Backends[i].Name] = results[i].Status;
            }
        }

        return statuses;
    }

    private static void Merge(JsonObject into, JsonObject part)
    {
        foreach (var (name, value) in part.ToList())
        {
            part.Remove(name);
            into[name] = value;
        }
    }

    /// <summary>A group's part: the first (or a non-object) takes the key, later objects merge into it; a failed backend leaves null unless the group has a part.</summary>
    private static void Nest(JsonObject into, string group, JsonNode? part)
    {
        if (part is null)
        {
            into.TryAdd(group, null);
        }
        else if (part is JsonObject record && into[group] is JsonObject existing)
        {
            Merge(existing, record);
        }
        else
        {
            into[group] = part;
        }
    }
}

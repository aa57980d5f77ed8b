using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Declarative;

namespace Gateway.Node.Declarative;

/// <summary>
/// <c>gateway config sync FILE --admin-url URL ...</c>: brings each cluster's config to the file's
/// through its Admin API, one cluster after the other. For each it reads the whole config, prints the
/// diff, then (unless dry run) creates, updates and deletes only what differs, and reports what it
/// did. A cluster that is down or refuses a change is reported and skipped; the others are still
/// synced, and the command then fails naming every cluster it could not sync.
/// </summary>
public sealed class ConfigSync(SchemaRegistry registry, HttpClient http, TextWriter output, TextWriter error)
{
    private static readonly string[] Stamps = ["created_at", "updated_at"];

    private readonly SyncPlanner _planner = new(registry);
    private readonly IReadOnlyList<EntitySchema> _order = EntityOrder.Sort(registry);

    /// <summary>
    /// Syncs every cluster; returns the exit code (1 when any cluster failed). <paramref name="document"/>
    /// is the file as written, posted whole to DB-less clusters.
    /// </summary>
    public async Task<int> RunAsync(DeclarativeConfig desired, JsonObject document, IReadOnlyList<string> adminUrls, bool dryRun, CancellationToken cancellationToken = default)
    {
        var failed = new List<string>();
        foreach (var url in adminUrls)
        {
            var client = new ClusterAdminClient(http, url);
            try
            {
                await SyncOneAsync(client, desired, document, dryRun, cancellationToken);
            }
            catch (ClusterException e)
            {
                failed.Add(client.BaseUrl);
                await output.WriteLineAsync($"cluster {client.BaseUrl}: {e.Message}");
            }
        }

        if (failed.Count == 0)
        {
            return 0;
        }

        await error.WriteLineAsync($"gateway: sync failed for {string.Join(", ", failed)}");
        return 1;
    }

    private async Task SyncOneAsync(ClusterAdminClient client, DeclarativeConfig desired, JsonObject document, bool dryRun, CancellationToken cancellationToken)
    {
        var root = await client.SendAsync(HttpMethod.Get, "/", null, cancellationToken);
        var dbLess = root?["configuration"]?["database"] is JsonValue database && database.ToString() == "off";
        var plan = _planner.Plan(desired, await ReadClusterAsync(client, cancellationToken));
        await output.WriteLineAsync($"cluster {client.BaseUrl}: {plan.Changes.Count} {(plan.Changes.Count == 1 ? "difference" : "differences")}");
        foreach (var change in plan.Changes)
        {
            await output.WriteLineAsync($"  {change}");
        }

        var counts = plan.Changes.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Count());
        var summary = $"create {counts.GetValueOrDefault(SyncKind.Create)}, update {counts.GetValueOrDefault(SyncKind.Update)}, delete {counts.GetValueOrDefault(SyncKind.Delete)}";
        if (dryRun)
        {
            await output.WriteLineAsync($"cluster {client.BaseUrl}: dry run, nothing changed (would {summary})");
            return;
        }

        if (dbLess)
        {
            // A DB-less cluster takes no entity writes: it gets the whole file, which it swaps in atomically.
            if (plan.Changes.Count > 0)
            {
                await client.SendAsync(HttpMethod.Post, "/config", new JsonObject { ["config"] = document.ToJsonString() }, cancellationToken);
            }

            await output.WriteLineAsync($"cluster {client.BaseUrl}: synced through POST /config ({Past(summary)})");
            return;
        }

        var applied = 0;
        foreach (var change in plan.Changes)
        {
            try
            {
                await ApplyAsync(client, change, plan.FileToCluster, cancellationToken);
            }
            catch (ClusterException e)
            {
                throw new ClusterException($"failed after {applied} of {plan.Changes.Count} changes, at '{change}': {e.Message}", e.Unreachable);
            }

            applied++;
        }

        await output.WriteLineAsync($"cluster {client.BaseUrl}: synced ({Past(summary)})");
    }

    private static string Past(string summary) => summary.Replace("create", "created").Replace("update", "updated").Replace("delete", "deleted");

    /// <summary>Every entity of the cluster, by type; nested-only collections (targets) are read under each parent.</summary>
    private async Task<Dictionary<string, IReadOnlyList<JsonObject>>> ReadClusterAsync(ClusterAdminClient client, CancellationToken cancellationToken)
    {
        var current = new Dictionary<string, IReadOnlyList<JsonObject>>();
        foreach (var schema in _order)
        {
            if (schema.TopLevel)
            {
                current[schema.Name] = await client.ListAllAsync(schema.AdminPath, cancellationToken);
                continue;
            }

            var (parent, _) = Parent(schema);
            var rows = new List<JsonObject>();
            foreach (var owner in current.GetValueOrDefault(parent.Name) ?? [])
            {
                rows.AddRange(await client.ListAllAsync($"{parent.AdminPath}/{owner["id"]}/{schema.NestedPath ?? schema.AdminPath}", cancellationToken));
            }

            current[schema.Name] = rows;
        }

        return current;
    }

    private async Task ApplyAsync(ClusterAdminClient client, SyncChange change, IReadOnlyDictionary<string, string> fileToCluster, CancellationToken cancellationToken)
    {
        var schema = change.Schema;
        switch (change.Kind)
        {
            case SyncKind.Create:
                var created = Body(schema, change.Desired!, fileToCluster);
                await client.SendAsync(HttpMethod.Post, Collection(schema, created), created, cancellationToken);
                break;
            case SyncKind.Update:
                var updated = Body(schema, change.Desired!, fileToCluster);
                updated.Remove("id");
                await client.SendAsync(HttpMethod.Put, Item(schema, change.Current!), updated, cancellationToken);
                break;
            case SyncKind.Delete:
                await client.SendAsync(HttpMethod.Delete, Item(schema, change.Current!), null, cancellationToken);
                break;
        }
    }

    /// <summary>The file's entity as the cluster should store it: its references pointing at the cluster's ids.</summary>
    private static JsonObject Body(EntitySchema schema, JsonObject desired, IReadOnlyDictionary<string, string> fileToCluster)
    {
        var body = (JsonObject)desired.DeepClone();
        foreach (var stamp in Stamps)
        {
            body.Remove(stamp);
        }

        foreach (var foreign in schema.ForeignFields)
        {
            if (SyncPlanner.ForeignId(body, foreign.Name) is { } id)
            {
                body[foreign.Name] = new JsonObject { ["id"] = fileToCluster.GetValueOrDefault(id) ?? id };
            }
        }

        return body;
    }

    private string Collection(EntitySchema schema, JsonObject body)
    {
        if (schema.TopLevel)
        {
            return $"/{schema.AdminPath}";
        }

        var (parent, field) = Parent(schema);
        return $"/{parent.AdminPath}/{SyncPlanner.ForeignId(body, field)}/{schema.NestedPath ?? schema.AdminPath}";
    }

    private string Item(EntitySchema schema, JsonObject current) =>
        $"{Collection(schema, current)}/{current["id"]}";

    private (EntitySchema Schema, string Field) Parent(EntitySchema schema)
    {
        var field = schema.ForeignFields.First(f => f.Required);
        return (registry.Get(field.Reference!), field.Name);
    }
}

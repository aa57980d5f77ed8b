using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Node.Upstreams;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>
/// <c>GET /upstreams/{u}/health</c>, <c>GET /upstreams/{u}/targets/all</c> and
/// <c>POST /upstreams/{u}/targets/{t}/healthy|unhealthy</c>, as Kong 3.9's
/// kong/api/routes/upstreams.lua and kong/db/dao/targets.lua shape them. Health comes from the balancers of the
/// node's current config snapshot (<see cref="IBalancerSource"/>, taken from the request's services), whose target
/// states live across snapshots, so it is this node's view, as in Kong, where each node runs its own checks.
/// </summary>
public static class UpstreamHealthEndpoints
{
    /// <summary>Handles the request when the path is one of the two endpoints; false otherwise.</summary>
    public static async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path, IConfigReader store, AdminOptions options)
    {
        switch (path)
        {
            case ["upstreams", var key, "health"]:
                if (!AdminResponse.AnsweredAsReadOnly(context))
                {
                    var upstream = await FindUpstreamAsync(store, key);
                    var balancer = CurrentBalancer(context, upstream["id"]!.GetValue<string>());
                    var body = context.Request.Query["balancer_health"] == "1"
                        ? BalancerHealth(upstream, balancer, options)
                        : await TargetsHealthAsync(context, store, key, upstream, balancer, options);
                    await AdminResponse.WriteAsync(context, 200, body);
                }

                return true;
            case ["upstreams", var key, "targets", "all"]:
                if (!AdminResponse.AnsweredAsReadOnly(context))
                {
                    var upstream = await FindUpstreamAsync(store, key);
                    var query = Pagination.Parse(context.Request.Query) with { ForeignField = "upstream", ForeignId = upstream["id"]!.GetValue<string>() };
                    var page = await store.ListAsync("targets", query);
                    await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, page.Data, page.Offset));
                }

                return true;
            case ["upstreams", var key, "targets", var target, "healthy" or "unhealthy"]:
                if (context.Request.Method == "OPTIONS")
                {
                    AdminResponse.Allow(context, "OPTIONS, POST");
                }
                else if (context.Request.Method != "POST")
                {
                    throw AdminException.MethodNotAllowed();
                }
                else
                {
                    await PostHealthAsync(context, store, key, target, path[4] == "healthy");
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>POST /upstreams/{u}/targets/{t}/healthy|unhealthy</c>: sets a target's health on this node
    /// (Kong's post_health); 400 when the upstream has no health checks to override.
    /// </summary>
    private static async Task PostHealthAsync(HttpContext context, IConfigReader store, string key, string targetKey, bool healthy)
    {
        var upstream = await FindUpstreamAsync(store, key);
        var upstreamId = upstream["id"]!.GetValue<string>();
        var name = upstream["name"]!.GetValue<string>();
        var row = Typedefs.IsUuid(targetKey) ? await store.GetAsync("targets", targetKey) : await FindTargetAsync(store, upstreamId, targetKey);
        if (row is null || (row["upstream"] as JsonObject)?["id"]?.GetValue<string>() != upstreamId)
        {
            throw AdminException.NotFound();
        }

        var balancer = CurrentBalancer(context, upstreamId)
            ?? throw AdminException.WithMessage(400, $"Upstream {name} has no balancer");
        if (!balancer.HealthchecksEnabled)
        {
            throw AdminException.WithMessage(400, $"no healthchecker found for {name}");
        }

        var target = balancer.Find(row["target"]!.GetValue<string>()) ?? throw AdminException.WithMessage(400, $"Upstream {name} has no balancer");
        target.State.SetHealthy(healthy);
        context.Response.StatusCode = 204;
    }

    /// <summary>The upstream's balancer in the snapshot being served; null when this node has none (yet).</summary>
    private static UpstreamBalancer? CurrentBalancer(HttpContext context, string upstreamId) =>
        context.RequestServices.GetService<IBalancerSource>()?.Balancers.FindById(upstreamId);

    private static async Task<JsonObject?> FindTargetAsync(IConfigReader store, string upstreamId, string target)
    {
        string? offset = null;
        do
        {
            var page = await store.ListAsync("targets", new ListQuery(Pagination.MaxSize, offset, null, "upstream", upstreamId));
            if (page.Data.FirstOrDefault(t => t["target"]?.GetValue<string>() == target) is { } found)
            {
                return found;
            }

            offset = page.Offset;
        }
        while (offset is not null);
        return null;
    }

    private static async Task<JsonObject> FindUpstreamAsync(IConfigReader store, string key) =>
        (Typedefs.IsUuid(key) ? await store.GetAsync("upstreams", key) : await store.GetByFieldAsync("upstreams", "name", key))
        ?? throw AdminException.NotFound();

    /// <summary>
    /// The targets newest first (Kong's page_for_upstream), each with <c>health</c> and <c>data</c>;
    /// paged with Kong's numeric offsets.
    /// </summary>
    private static async Task<JsonObject> TargetsHealthAsync(
        HttpContext context, IConfigReader store, string key, JsonObject upstream, UpstreamBalancer? balancer, AdminOptions options)
    {
        var query = Pagination.Parse(context.Request.Query);
        var start = 0;
        if (query.Offset is { } offsetText && (!int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start < 0))
        {
            throw AdminException.Kong(KongError.InvalidOffset, $"'{offsetText}' is not a valid offset");
        }

        var targets = new List<JsonObject>();
        string? offset = null;
        do
        {
            var page = await store.ListAsync("targets", new ListQuery(Pagination.MaxSize, offset, null, "upstream", upstream["id"]!.GetValue<string>()));
            targets.AddRange(page.Data);
            offset = page.Offset;
        }
        while (offset is not null);

        targets.Sort((a, b) =>
        {
            var byTime = Created(b).CompareTo(Created(a));
            return byTime != 0 ? byTime : string.CompareOrdinal(b["id"]?.GetValue<string>(), a["id"]?.GetValue<string>());
        });

        var data = new JsonArray();
        foreach (var row in targets.Skip(start).Take(query.Size))
        {
            var entry = (JsonObject)Targets.Present(row).DeepClone();
            if (balancer is not null)
            {
                var target = balancer.Find(row["target"]!.GetValue<string>());
                entry["health"] = target is null ? "DNS_ERROR" : Health(balancer, target);
                if (target is not null)
                {
                    entry["data"] = TargetStatus(balancer, target);
                }
            }

            data.Add(entry);
        }

        var more = start + query.Size < targets.Count;
        var body = new JsonObject { ["data"] = data };
        if (more)
        {
            var next = (start + query.Size).ToString(CultureInfo.InvariantCulture);
            body["offset"] = next;
            body["next"] = $"/upstreams/{Uri.EscapeDataString(key)}/health?offset={next}";
        }
        else
        {
            body["next"] = null;
        }

        body["node_id"] = options.Identity.NodeId;
        return body;
    }

    /// <summary><c>?balancer_health=1</c>: the upstream as a whole (Kong's get_balancer_health).</summary>
    private static JsonObject BalancerHealth(JsonObject upstream, UpstreamBalancer? balancer, AdminOptions options)
    {
        var data = new JsonObject { ["id"] = upstream["id"]!.GetValue<string>() };
        if (balancer is { HealthchecksEnabled: true })
        {
            data["health"] = balancer.IsHealthy ? "HEALTHY" : "UNHEALTHY";
            data["details"] = new JsonObject
            {
                ["healthy"] = balancer.IsHealthy,
                ["weight"] = Weight(balancer.TotalWeight, balancer.AvailableWeight),
                ["hosts"] = new JsonArray([.. balancer.Targets.Select(t => (JsonNode)TargetStatus(balancer, t))]),
            };
        }
        else
        {
            data["health"] = "HEALTHCHECKS_OFF";
        }

        return new JsonObject { ["data"] = data, ["next"] = null, ["node_id"] = options.Identity.NodeId };
    }

    private static string Health(UpstreamBalancer balancer, UpstreamTarget target) =>
        !balancer.HealthchecksEnabled ? "HEALTHCHECKS_OFF" : target.IsHealthy ? "HEALTHY" : "UNHEALTHY";

    /// <summary>Kong's getTargetStatus: one address per target here, as targets are not resolved to several IPs.</summary>
    private static JsonObject TargetStatus(UpstreamBalancer balancer, UpstreamTarget target)
    {
        var available = target.IsHealthy ? target.Weight : 0;
        return new JsonObject
        {
            ["host"] = target.Host,
            ["port"] = target.Port,
            ["dns"] = target.HostType == HostType.Ipv6 ? "AAAA" : "A",
            ["nodeWeight"] = target.Weight,
            ["weight"] = Weight(target.Weight, available),
            ["addresses"] = new JsonArray(new JsonObject
            {
                ["ip"] = target.Host,
                ["port"] = target.Port,
                ["weight"] = target.Weight,
                ["health"] = Health(balancer, target),
            }),
        };
    }

    private static JsonObject Weight(long total, long available) =>
        new() { ["total"] = total, ["available"] = available, ["unavailable"] = total - available };

    private static double Created(JsonObject row) => Targets.Seconds(row["created_at"]);
}

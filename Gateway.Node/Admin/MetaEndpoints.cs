using System.Diagnostics;
using System.Text.Json.Nodes;
using Gateway.Node.Admin.Rbac;
using Gateway.Schema;
using Gateway.Storage.Entities.Rbac;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>
/// The endpoints that are not entities: <c>/</c>, <c>/status</c>, <c>/endpoints</c>, <c>/schemas/...</c>,
/// <c>/plugins/enabled</c>, <c>/tags</c> (kong/api/routes/kong.lua, health.lua, plugins.lua, tags.lua).
/// </summary>
public sealed class MetaEndpoints(SchemaRegistry registry, IConfigReader store, SchemaValidator validator, AdminOptions options)
{
    /// <summary>Handles the request when the path names a meta endpoint; false when it does not.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        switch (path)
        {
            case []:
                await GetOnlyAsync(context, RootAsync);
                return true;
            case ["status"]:
                await GetOnlyAsync(context, () => StatusAsync(store));
                return true;
            case ["endpoints"]:
                await GetOnlyAsync(context, () => Task.FromResult<JsonNode>(Endpoints()));
                return true;
            case ["plugins", "enabled"]:
                await GetOnlyAsync(context, () => Task.FromResult<JsonNode>(new JsonObject
                {
                    ["enabled_plugins"] = new JsonArray([.. options.EnabledPlugins.Select(p => (JsonNode)JsonValue.Create(p))]),
                }));
                return true;
            case ["schemas", "plugins", "validate"]:
                await ValidateAsync(context, registry.Get("plugins"));
                return true;
            case ["schemas", "plugins", var name]:
                await PluginSchemaAsync(context, name);
                return true;
            case ["plugins", "schema", var name]:
                await PluginSchemaAsync(context, name);
                return true;
            case ["schemas", var entity]:
                var schema = registry.Find(entity) ?? throw AdminException.WithMessage(404, $"No entity named '{entity}'");
                await GetOnlyAsync(context, () => Task.FromResult<JsonNode>(SchemaDescriber.Describe(schema)));
                return true;
            case ["schemas", var entity, "validate"]:
                await ValidateAsync(context, registry.Find(entity) ?? throw AdminException.WithMessage(404, $"No entity named '{entity}'"));
                return true;
            case ["tags"]:
                await TagsAsync(context, null);
                return true;
            case ["tags", var tag]:
                await TagsAsync(context, tag);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Kong's <c>/status</c> body; also served on status_listen.</summary>
    public static async Task<JsonNode> StatusAsync(IConfigReader store)
    {
        var reachable = await store.IsReachableAsync();
        var process = Process.GetCurrentProcess();
        var status = new JsonObject
        {
            ["database"] = new JsonObject { ["reachable"] = reachable },
            ["memory"] = new JsonObject
            {
                ["working_set_bytes"] = process.WorkingSet64,
                ["gc_heap_bytes"] = GC.GetTotalMemory(false),
            },
        };
        if (reachable)
        {
            status["configuration_version"] = await store.GetVersionAsync();
        }

        return status;
    }

    private Task PluginSchemaAsync(HttpContext context, string name)
    {
        var plugin = registry.FindPlugin(name) ?? throw AdminException.WithMessage(404, $"No plugin named '{name}'");
        return GetOnlyAsync(context, () => Task.FromResult<JsonNode>(SchemaDescriber.Describe(plugin)));
    }

    /// <summary>Answers GET and HEAD with <paramref name="body"/>, OPTIONS with the methods; anything else is 405.</summary>
    public static async Task GetOnlyAsync(HttpContext context, Func<Task<JsonNode>> body)
    {
        if (!AdminResponse.AnsweredAsReadOnly(context))
        {
            await AdminResponse.WriteAsync(context, 200, await body());
        }
    }

    private async Task<JsonNode> RootAsync()
    {
        var available = new JsonObject();
        foreach (var plugin in registry.Plugins.Where(p => options.EnabledPlugins.Contains(p.Name)))
        {
            available[plugin.Name] = new JsonObject { ["version"] = NodeIdentity.KongVersion, ["priority"] = plugin.Priority };
        }

        return new JsonObject
        {
            ["version"] = NodeIdentity.KongVersion,
            ["edition"] = "community",
            ["tagline"] = "Welcome to kong",
            ["hostname"] = options.Identity.Hostname,
            ["node_id"] = options.Identity.NodeId,
            ["lua_version"] = $".NET {Environment.Version}",
            ["plugins"] = new JsonObject
            {
                ["available_on_server"] = available,
                ["enabled_in_cluster"] = new JsonArray([.. (await PluginsInUseAsync()).Select(p => (JsonNode)JsonValue.Create(p))]),
            },
            ["configuration"] = options.Configuration.DeepClone(),
            ["pids"] = new JsonObject { ["master"] = Environment.ProcessId, ["workers"] = new JsonArray(Environment.ProcessId) },
            ["timers"] = new JsonObject { ["running"] = 0, ["pending"] = 0 },
        };
    }

    private async Task<IReadOnlyList<string>> PluginsInUseAsync()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        string? offset = null;
        do
        {
            var page = await store.ListAsync("plugins", new ListQuery(Pagination.MaxSize, offset));
            foreach (var plugin in page.Data)
            {
                names.Add(plugin["name"]!.GetValue<string>());
            }

            offset = page.Offset;
        }
        while (offset is not null);
        return [.. names];
    }

    private JsonObject Endpoints()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal)
        {
            "/", "/status", "/endpoints", "/plugins/enabled", "/schemas/{name}", "/schemas/{db_entity_name}/validate",
            "/schemas/plugins/{name}", "/schemas/plugins/validate", "/tags", "/tags/{tags}",
        };
        paths.UnionWith(RbacEndpoints.Paths);
        foreach (var schema in registry.Entities.Where(s => s.AdminApi && !RbacEntities.Names.Contains(s.Name)))
        {
            var key = $"{{{schema.Name}}}";
            if (schema.TopLevel)
            {
                paths.Add($"/{schema.AdminPath}");
                paths.Add($"/{schema.AdminPath}/{key}");
            }

            foreach (var foreign in schema.ForeignFields)
            {
                var parent = registry.Get(foreign.Reference!);
                paths.Add($"/{parent.AdminPath}/{{{parent.Name}}}/{schema.NestedPath ?? schema.AdminPath}");
                paths.Add($"/{parent.AdminPath}/{{{parent.Name}}}/{schema.NestedPath ?? schema.AdminPath}/{key}");
                if (schema.TopLevel)
                {
                    paths.Add($"/{schema.AdminPath}/{key}/{foreign.Name}");
                }
            }
        }

        return new JsonObject { ["data"] = new JsonArray([.. paths.Select(p => (JsonNode)JsonValue.Create(p))]), ["next"] = null };
    }

    private async Task ValidateAsync(HttpContext context, EntitySchema schema)
    {
        if (context.Request.Method == "OPTIONS")
        {
            AdminResponse.Allow(context, "OPTIONS, POST");
            return;
        }

        if (context.Request.Method != "POST")
        {
            throw AdminException.MethodNotAllowed();
        }

        var body = await RequestBody.ReadAsync(context, schema, registry, options.Body);
        var errors = new ValidationErrors();
        if (validator.Validate(schema, body, existing: null, errors) is null)
        {
            throw AdminException.Kong(KongError.SchemaViolation, errors.ToMessage(), errors.ToJson());
        }

        await AdminResponse.WriteAsync(context, 200, new JsonObject { ["message"] = "schema validation successful" });
    }

    private async Task TagsAsync(HttpContext context, string? tag)
    {
        if (context.Request.Method is not ("GET" or "HEAD"))
        {
            if (context.Request.Method == "OPTIONS")
            {
                AdminResponse.Allow(context, "GET, HEAD, OPTIONS");
                return;
            }

            throw AdminException.MethodNotAllowed();
        }

        var query = Pagination.Parse(context.Request.Query);
        var page = await store.ListTagsAsync(tag, query.Size, query.Offset);
        var rows = page.Data.Select(r => (JsonNode)new JsonObject { ["tag"] = r.Tag, ["entity_name"] = r.EntityName, ["entity_id"] = r.EntityId });
        await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, rows, page.Offset));
    }
}

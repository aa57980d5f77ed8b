using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Node.Admin.Rbac;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>
/// The endpoints Kong generates for every entity from its schema (kong/api/endpoints.lua):
/// <c>/{entities}</c>, <c>/{entities}/{id or key}</c>, <c>/{parents}/{p}/{children}</c>,
/// <c>/{parents}/{p}/{children}/{c}</c> and <c>/{children}/{c}/{parent}</c>. Reads go through
/// <paramref name="reader"/>, writes through the cluster's <paramref name="writer"/>.
/// </summary>
public sealed class EntityEndpoints(SchemaRegistry registry, IConfigReader reader, ClusterConfigWriter writer, SchemaValidator validator, BodyLimits bodyLimits)
{
    private const string CollectionMethods = "GET, HEAD, OPTIONS, POST";
    private const string EntityMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, PUT";

    private readonly CertificateSnis _snis = new(registry, reader, writer, validator);

    /// <summary>Handles the request when the path names an entity endpoint; false when it does not.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        if (path.Count == 0 || registry.FindByAdminPath(path[0]) is not { TopLevel: true, AdminApi: true } schema)
        {
            return false;
        }

        switch (path.Count)
        {
            case 1:
                await CollectionAsync(context, schema, scope: null);
                return true;
            case 2:
                await EntityAsync(context, schema, path[1], scope: null);
                return true;
        }

        var owner = await FindAsync(schema, path[1], parent: null);
        if (schema[path[2]] is { Type: FieldType.Foreign, Reference: { } reference } foreign && path.Count == 3)
        {
            await ReferencedEntityAsync(context, owner, foreign, registry.Get(reference));
            return true;
        }

        var child = ChildCollection(schema, path[2]);
        if (child is null || path.Count > 4)
        {
            return false;
        }

        if (owner is null)
        {
            throw AdminException.NotFound();
        }

        var scope = new Scope(child.Value.Field, owner["id"]!.GetValue<string>());
        if (path.Count == 3)
        {
            await CollectionAsync(context, child.Value.Schema, scope);
        }
        else
        {
            await EntityAsync(context, child.Value.Schema, path[3], scope);
        }

        return true;
    }

    /// <summary>Finds an entity by id, or by its endpoint key, within a parent when there is one.</summary>
    public async Task<JsonObject?> FindAsync(EntitySchema schema, string key, Scope? parent)
    {
        JsonObject? found;
        if (Typedefs.IsUuid(key))
        {
            found = await reader.GetAsync(schema.Name, key);
        }
        else if (CertificateSnis.AppliesTo(schema))
        {
            found = await _snis.FindBySniAsync(key);
        }
        else if (schema.EndpointKey is not { } endpointKey)
        {
            return null;
        }
        else if (schema[endpointKey] is { Unique: true })
        {
            found = await reader.GetByFieldAsync(schema.Name, endpointKey, key);
        }
        else
        {
            // An endpoint key unique only within its parent, such as a target's "host:port".
            found = await FindInScopeAsync(schema, endpointKey, key, parent);
        }

        return found is not null && parent is not null && ForeignId(found, parent.Field) != parent.Id ? null : found;
    }

    private async Task<JsonObject?> FindInScopeAsync(EntitySchema schema, string field, string value, Scope? parent)
    {
        string? offset = null;
        do
        {
            var page = await reader.ListAsync(schema.Name, new ListQuery(1000, offset, null, parent?.Field, parent?.Id));
            if (page.Data.FirstOrDefault(e => e[field] is JsonValue v && v.TryGetValue<string>(out var s) && s == value) is { } hit)
            {
                return hit;
            }

            offset = page.Offset;
        }
        while (offset is not null);
        return null;
    }

    private (EntitySchema Schema, string Field)? ChildCollection(EntitySchema parent, string segment)
    {
        foreach (var (child, field) in registry.ReferencesTo(parent.Name))
        {
            if (child.AdminApi && (child.NestedPath ?? child.AdminPath) == segment)
            {
                return (child, field.Name);
            }
        }

        return null;
    }

    private async Task CollectionAsync(HttpContext context, EntitySchema schema, Scope? scope)
    {
        switch (context.Request.Method)
        {
            case "GET" or "HEAD":
                var query = Pagination.Parse(context.Request.Query);
                var page = await reader.ListAsync(schema.Name, query with { ForeignField = scope?.Field, ForeignId = scope?.Id });
                var shown = new List<JsonObject>(page.Data.Count);
                foreach (var row in page.Data.Where(row => RbacEntityAccess.MayRead(context, row)))
                {
                    shown.Add(await PresentAsync(schema, row));
                }

                await AdminResponse.WriteAsync(context, 200, Pagination.Render(context.Request, shown, page.Offset));
                break;
            case "POST":
                var body = await ReadBodyAsync(context, schema);
                ApplyScope(body, scope);
                var snis = CertificateSnis.AppliesTo(schema) ? await _snis.TakeAsync(body, certificateId: null) : null;
                var entity = await ValidateAsync(schema, body, existing: null);
                WriteRefusals.ThrowIfRefused(await writer.InsertAsync(schema.Name, entity));
                await AdminResponse.WriteAsync(context, 201, await SaveSnisAsync(schema, entity, snis));
                break;
            case "OPTIONS":
                AdminResponse.Allow(context, CollectionMethods);
                break;
            default:
                throw AdminException.MethodNotAllowed();
        }
    }

    private async Task EntityAsync(HttpContext context, EntitySchema schema, string key, Scope? scope)
    {
        var method = context.Request.Method;
        if (method == "OPTIONS")
        {
            AdminResponse.Allow(context, EntityMethods);
            return;
        }

        if (method is not ("GET" or "HEAD" or "PATCH" or "PUT" or "DELETE"))
        {
            throw AdminException.MethodNotAllowed();
        }

        var existing = await FindAsync(schema, key, scope);
        if (existing is not null)
        {
            RbacEntityAccess.Demand(context, existing);
        }

        switch (method)
        {
            case "GET" or "HEAD":
                await AdminResponse.WriteAsync(context, 200, await PresentAsync(schema, existing ?? throw AdminException.NotFound()));
                break;
            case "DELETE":
                if (existing is not null)
                {
                    if (CertificateSnis.AppliesTo(schema))
                    {
                        await _snis.DeleteAllAsync(existing["id"]!.GetValue<string>());
                    }

                    WriteRefusals.ThrowIfRefused(await writer.DeleteAsync(schema.Name, existing["id"]!.GetValue<string>()));
                }

                context.Response.StatusCode = 204;
                break;
            case "PATCH":
                var patch = await ReadBodyAsync(context, schema);
                ApplyScope(patch, scope);
                patch.Remove("id");
                var current = existing ?? throw AdminException.NotFound();
                var patchedSnis = CertificateSnis.AppliesTo(schema) ? await _snis.TakeAsync(patch, current["id"]!.GetValue<string>()) : null;
                var updated = await ValidateAsync(schema, patch, current);
                WriteRefusals.ThrowIfRefused(await writer.UpdateAsync(schema.Name, updated));
                await AdminResponse.WriteAsync(context, 200, await SaveSnisAsync(schema, updated, patchedSnis));
                break;
            case "PUT":
                await AdminResponse.WriteAsync(context, 200, await PutAsync(context, schema, key, scope, existing));
                break;
        }
    }

    /// <summary>PUT creates or replaces the whole entity; the key in the path names it.</summary>
    private async Task<JsonObject> PutAsync(HttpContext context, EntitySchema schema, string key, Scope? scope, JsonObject? existing)
    {
        var body = await ReadBodyAsync(context, schema);
        ApplyScope(body, scope);
        if (existing is not null)
        {
            body["id"] = existing["id"]!.DeepClone();
        }
        else if (Typedefs.IsUuid(key))
        {
            body["id"] = key;
        }
        else if (schema.EndpointKey is { } endpointKey)
        {
            body[endpointKey] = key;
        }
        else
        {
            throw AdminException.NotFound();
        }

        if (schema.EndpointKey is { } name && !Typedefs.IsUuid(key) && body[name] is null)
        {
            body[name] = key;
        }

        var snis = CertificateSnis.AppliesTo(schema) ? await _snis.TakeAsync(body, body["id"]?.GetValue<string>()) : null;
        var entity = await ValidateAsync(schema, body, existing: null);
        if (existing?["created_at"] is { } createdAt)
        {
            // The ttl counts from this write, as Kong's upsert does: it is stored from the created_at kept.
            if (schema.Ttl && TtlOption.ExpiresAt(entity) is { } expires)
            {
                entity["ttl"] = (long)Math.Ceiling(expires - JsonNumbers.ToDouble(createdAt));
            }

            entity["created_at"] = createdAt.DeepClone();
        }

        WriteRefusals.ThrowIfRefused(await writer.UpsertAsync(schema.Name, entity));
        return await SaveSnisAsync(schema, entity, snis);
    }

    /// <summary>Writes a certificate's <c>snis</c> when the request gave them; returns the entity as the API shows it.</summary>
    private async Task<JsonObject> SaveSnisAsync(EntitySchema schema, JsonObject entity, IReadOnlyList<string>? snis)
    {
        if (snis is not null)
        {
            await _snis.ReplaceAsync(entity["id"]!.GetValue<string>(), snis);
        }

        return await PresentAsync(schema, entity);
    }

    /// <summary>An entity as the API shows it: certificates carry their SNI names, a ttl is the seconds left, timestamps are seconds.</summary>
    private Task<JsonObject> PresentAsync(EntitySchema schema, JsonObject entity) =>
        CertificateSnis.AppliesTo(schema) ? _snis.WithSnisAsync(entity)
        : Task.FromResult(schema.Ttl ? TtlOption.Present(entity, DateTimeOffset.UtcNow)
            : schema.Name == Targets.Schema.Name ? Targets.Present(entity) : entity);

    /// <summary><c>/routes/{r}/service</c>: the entity a foreign field points at.</summary>
    private async Task ReferencedEntityAsync(HttpContext context, JsonObject? owner, Field foreign, EntitySchema target)
    {
        if (context.Request.Method == "OPTIONS")
        {
            AdminResponse.Allow(context, EntityMethods);
            return;
        }

        var id = owner is null ? null : ForeignId(owner, foreign.Name);
        if (id is null)
        {
            if (context.Request.Method is "DELETE")
            {
                context.Response.StatusCode = 204;
                return;
            }

            throw context.Request.Method is "GET" or "HEAD" or "PATCH" or "PUT" ? AdminException.NotFound() : AdminException.MethodNotAllowed();
        }

        await EntityAsync(context, target, id, scope: null);
    }

    private Task<JsonObject> ReadBodyAsync(HttpContext context, EntitySchema schema) =>
        RequestBody.ReadAsync(context, schema, registry, bodyLimits);

    private static void ApplyScope(JsonObject body, Scope? scope)
    {
        if (scope is not null)
        {
            body[scope.Field] = new JsonObject { ["id"] = scope.Id };
        }
    }

    /// <summary>
    /// Checks the write's ttl option (Kong's code 11), resolves foreign keys given by endpoint key, then validates
    /// (Kong's code 13, then code 2).
    /// </summary>
    public async Task<JsonObject> ValidateAsync(EntitySchema schema, JsonObject body, JsonObject? existing)
    {
        if (schema.Ttl && body.ContainsKey("ttl") && TtlOption.Error(body["ttl"]) is { } ttlError)
        {
            throw AdminException.Kong(KongError.InvalidOptions, $"invalid option (ttl: {ttlError})", new JsonObject { ["ttl"] = ttlError });
        }

        await ResolveForeignKeysAsync(schema, body);
        var errors = new ValidationErrors();
        var valid = validator.Validate(schema, body, existing, errors)
            ?? throw AdminException.Kong(KongError.SchemaViolation, errors.ToMessage(), errors.ToJson());
        await CheckConfigReferencesAsync(schema, valid);
        return valid;
    }

    /// <summary>A plugin config's <see cref="Field.RefersTo"/> strings must name existing rows (by id, else endpoint key): a schema violation otherwise.</summary>
    private async Task CheckConfigReferencesAsync(EntitySchema schema, JsonObject entity)
    {
        if (schema.SubschemaKey is not { } key || entity[key]?.GetValue<string>() is not { } name || registry.FindPlugin(name) is not { } plugin)
        {
            return;
        }

        var missing = new List<ConfigReferences.Reference>();
        foreach (var reference in ConfigReferences.Of(plugin, entity["config"]))
        {
            var target = registry.Get(reference.Entity);
            if ((!Guid.TryParse(reference.Key, out _) || await reader.GetByFieldAsync(target.Name, "id", reference.Key) is null)
                && (target.EndpointKey is not { } endpointKey || await reader.GetByFieldAsync(target.Name, endpointKey, reference.Key) is null))
            {
                missing.Add(reference);
            }
        }

        if (missing.Count > 0)
        {
            var errors = ConfigReferences.Missing(missing);
            throw AdminException.Kong(KongError.SchemaViolation, errors.ToMessage(), errors.ToJson());
        }
    }

    private async Task ResolveForeignKeysAsync(EntitySchema schema, JsonObject body)
    {
        var unresolved = new JsonObject();
        var messages = new List<string>();
        foreach (var field in schema.ForeignFields)
        {
            if (body[field.Name] is not JsonObject reference || reference.ContainsKey("id") || reference.Count != 1)
            {
                continue;
            }

            var target = registry.Get(field.Reference!);
            var (keyName, keyValue) = reference.First();
            if (keyName == target.EndpointKey && keyValue?.GetValueKind() == JsonValueKind.String
                && await reader.GetByFieldAsync(target.Name, keyName, keyValue.GetValue<string>()) is { } found)
            {
                body[field.Name] = new JsonObject { ["id"] = found["id"]!.DeepClone() };
                continue;
            }

            var message = $"the foreign key cannot be resolved with '{KongFormat.Pretty(reference)}' for an existing '{target.Name}' entity";
            unresolved[field.Name] = new JsonObject { [keyName] = message };
            messages.Add($"{field.Name}.{keyName}: {message}");
        }

        if (messages.Count > 0)
        {
            var summary = messages.Count == 1
                ? $"foreign key unresolved ({messages[0]})"
                : $"{messages.Count} foreign keys unresolved ({string.Join("; ", messages)})";
            throw AdminException.Kong(KongError.ForeignKeysUnresolved, summary, unresolved);
        }
    }

    private static string? ForeignId(JsonObject entity, string field) =>
        entity[field] is JsonObject reference && reference["id"] is JsonValue id && id.TryGetValue<string>(out var value) ? value : null;

    /// <summary>A nested collection's parent: the child's foreign field and the parent's id.</summary>
    public sealed record Scope(string Field, string Id);
}

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Transformers;
using Gateway.Node.Routing;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>
/// Kong's request-transformer (kong/plugins/request-transformer/access.lua): rewrites the upstream
/// request in Kong's order (uri, method, headers, body, query string), each part in the order remove,
/// rename, replace, add, append. Bodies are changed when JSON, form-encoded or multipart (multipart
/// has no append, as in Kong).
/// </summary>
public sealed class RequestTransformerPlugin : GatewayPlugin<RequestTransformerConfig>
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc />
    public override PluginSchema Schema => RequestTransformerSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, RequestTransformerConfig config)
    {
        var plan = config.Plan!;
        var request = context.Http.Request;
        TemplateHeaders.Reset(context);
        TemplateQuery.Reset(context);
        if (plan.Uri is { } uri && uri.Render(context) is { Length: > 0 } path)
        {
            // kong.service.request.set_path escapes what the template rendered.
            context.UpstreamPath = UriNormalizer.Escape(path);
        }

        if (config.HttpMethod is { } method)
        {
            request.Method = method.ToUpperInvariant();
            if (method is "GET" or "HEAD" or "TRACE" && BodyKind(request.ContentType) == Kind.Form)
            {
                // Kong moves a form body's arguments into the query string of a bodiless method
                // (the body itself still goes on).
                var form = QueryArgs.ParseForm(Encoding.UTF8.GetString((await RequestBodies.ReadWholeAsync(request)).Span));
                if (form.Names.Any())
                {
                    var query = QueryArgs.Parse(context.UpstreamQuery);
                    foreach (var name in form.Names)
                    {
                        foreach (var value in form.Get(name))
                        {
                            query.Append(name, value);
                        }
                    }

                    context.UpstreamQuery = query.ToQueryString(QueryArgsEncoding.Sorted);
                }
            }
        }

        TransformHeaders(context, plan);
        if (plan.ChangesBody)
        {
            await TransformBodyAsync(context, plan);
        }

        if (plan.ChangesQuery)
        {
            var query = QueryArgs.Parse(context.UpstreamQuery);
            TransformQuery(context, plan, query);
            context.UpstreamQuery = query.ToQueryString(QueryArgsEncoding.Sorted);
        }
    }

    /// <inheritdoc />
    protected override RequestTransformerConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with { Plan = RequestTransformerPlan.From(read) };
    }

    private static void TransformHeaders(PluginContext context, RequestTransformerPlan plan)
    {
        if (plan.HeaderTemplatesUseHeaders)
        {
            // Kong renders every header template before any header change reaches the request.
            TemplateHeaders.Snapshot(context);
        }

        var headers = context.Http.Request.Headers;
        foreach (var name in plan.RemoveHeaders)
        {
            headers.Remove(name);
        }

        foreach (var (old, @new) in plan.RenameHeaders)
        {
            if (headers.TryGetValue(old, out var value) && !IsHost(old))
            {
                headers.Remove(old);
                headers[@new] = value;
            }
        }

        foreach (var (name, value) in plan.ReplaceHeaders)
        {
            if (IsHost(name))
            {
                context.UpstreamHost = value.Render(context);
            }
            else if (headers.ContainsKey(name))
            {
                headers[name] = value.Render(context);
            }
        }

        foreach (var (name, value) in plan.AddHeaders)
        {
            if (!headers.ContainsKey(name) && !IsHost(name))
            {
                headers[name] = value.Render(context);
            }
        }

        foreach (var (name, value) in plan.AppendHeaders)
        {
            if (!IsHost(name))
            {
                headers.Append(name, value.Render(context));
            }
        }
    }

    private static void TransformQuery(PluginContext context, RequestTransformerPlan plan, QueryArgs query)
    {
        foreach (var name in plan.RemoveQuery)
        {
            query.Remove(name);
        }

        foreach (var (old, @new) in plan.RenameQuery)
        {
            if (query.Contains(old))
            {
                var values = query.Get(old);
                query.Remove(old);
                query.Set(@new, values);
            }
        }

        foreach (var (name, value) in plan.ReplaceQuery)
        {
            if (query.Contains(name))
            {
                query.Set(name, value.Render(context));
            }
        }

        foreach (var (name, value) in plan.AddQuery)
        {
            if (!query.Contains(name))
            {
                query.Set(name, value.Render(context));
            }
        }

        foreach (var (name, value) in plan.AppendQuery)
        {
            query.AppendValue(name, value.Render(context));
        }
    }

    private static async Task TransformBodyAsync(PluginContext context, RequestTransformerPlan plan)
    {
        var request = context.Http.Request;
        var kind = BodyKind(request.ContentType);
        if (kind == Kind.Other)
        {
            return;
        }

        var body = await RequestBodies.ReadWholeAsync(request);
        var changed = kind switch
        {
            Kind.Json => TransformJson(context, plan, body),
            Kind.Form => TransformForm(context, plan, Encoding.UTF8.GetString(body.Span)),
            _ => TransformMultipart(context, plan, body, request.ContentType!),
        };

        // Kong's set_raw_body (and its Content-Length) only when something changed; otherwise the
        // body goes on byte for byte as it came.
        if (changed is not null)
        {
            RequestBodies.Replace(request, changed);
        }
    }

    private static byte[]? TransformJson(PluginContext context, RequestTransformerPlan plan, ReadOnlyMemory<byte> body)
    {
        JsonObject parameters;
        try
        {
            var parsed = body.IsEmpty ? new JsonObject() : JsonNode.Parse(body.Span);
            if (parsed is not JsonObject obj)
            {
                return null;
            }

            // Materializes the properties here, where a duplicate name is caught.
            _ = obj.Count;
            parameters = obj;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Kong leaves a body it cannot decode as it is.
            return null;
        }

        // Kong's conditions are Lua truthiness on the decoded table: false counts as absent and
        // null (cjson.null) as present.
        var hasBody = !body.IsEmpty;
        var changed = false;
        if (hasBody)
        {
            foreach (var name in plan.RemoveBody)
            {
                parameters.Remove(name);
                changed = true;
            }

            foreach (var (old, @new) in plan.RenameBody)
            {
                if (old != @new && LuaJson.IsTruthy(parameters, old))
                {
                    var value = parameters[old];
                    parameters.Remove(old);
                    parameters[@new] = value;
                    changed = true;
                }
            }

            foreach (var (name, value) in plan.ReplaceBody)
            {
                if (LuaJson.IsTruthy(parameters, name))
                {
                    parameters[name] = value.Render(context);
                    changed = true;
                }
            }
        }

        foreach (var (name, value) in plan.AddBody)
        {
            if (!LuaJson.IsTruthy(parameters, name))
            {
                parameters[name] = value.Render(context);
                changed = true;
            }
        }

        foreach (var (name, value) in plan.AppendBody)
        {
            LuaJson.Append(parameters, name, JsonValue.Create(value.Render(context)));
            changed = true;
        }

        return changed ? JsonSerializer.SerializeToUtf8Bytes(parameters, Compact) : null;
    }

    private static byte[]? TransformForm(PluginContext context, RequestTransformerPlan plan, string body)
    {
        var parameters = QueryArgs.ParseForm(body);
        var hasBody = body.Length > 0;
        var changed = false;
        if (hasBody)
        {
            foreach (var name in plan.RemoveBody)
            {
                parameters.Remove(name);
                changed = true;
            }

            foreach (var (old, @new) in plan.RenameBody)
            {
                if (old != @new && parameters.Contains(old))
                {
                    var values = parameters.Get(old);
                    parameters.Remove(old);
                    parameters.Set(@new, values);
                    changed = true;
                }
            }

            foreach (var (name, value) in plan.ReplaceBody)
            {
                if (parameters.Contains(name))
                {
                    parameters.Set(name, value.Render(context));
                    changed = true;
                }
            }
        }

        foreach (var (name, value) in plan.AddBody)
        {
            if (!parameters.Contains(name))
            {
                parameters.Set(name, value.Render(context));
                changed = true;
            }
        }

        foreach (var (name, value) in plan.AppendBody)
        {
            parameters.AppendValue(name, value.Render(context));
            changed = true;
        }

        return changed ? Encoding.UTF8.GetBytes(parameters.Encode(QueryArgsEncoding.Sorted)) : null;
    }

    /// <summary>Kong's transform_multipart_body: rename, remove, replace, add (in that order; no append).</summary>
    private static byte[]? TransformMultipart(PluginContext context, RequestTransformerPlan plan, ReadOnlyMemory<byte> body, string contentType)
    {
        if (MultipartBody.Boundary(contentType) is not { } boundary)
        {
            return null;
        }

        var parts = MultipartBody.Parse(body, boundary);
        var changed = false;
        if (!body.IsEmpty)
        {
            foreach (var (old, @new) in plan.RenameBody)
            {
                if (old != @new && parts.Get(old) is { } value)
                {
                    parts.SetSimple(@new, value);
                    parts.Delete(old);
                    changed = true;
                }
            }

            foreach (var name in plan.RemoveBody)
            {
                parts.Delete(name);
                changed = true;
            }

            foreach (var (name, value) in plan.ReplaceBody)
            {
                if (parts.Get(name) is not null)
                {
                    parts.Delete(name);
                    parts.SetSimple(name, Encoding.UTF8.GetBytes(value.Render(context)));
                    changed = true;
                }
            }
        }

        foreach (var (name, value) in plan.AddBody)
        {
            if (parts.Get(name) is null)
            {
                parts.SetSimple(name, Encoding.UTF8.GetBytes(value.Render(context)));
                changed = true;
            }
        }

        return changed ? parts.ToBytes() : null;
    }

    private static bool IsHost(string name) => name.Equals("host", StringComparison.OrdinalIgnoreCase);

    /// <summary>Kong's get_content_type: a substring test, JSON first, then multipart, then form.</summary>
    private static Kind BodyKind(string? contentType) =>
        contentType is null ? Kind.Other
        : contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase) ? Kind.Json
        : contentType.Contains("multipart/form-data", StringComparison.OrdinalIgnoreCase) ? Kind.Multipart
        : contentType.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? Kind.Form
        : Kind.Other;

    private enum Kind
    {
        Other,
        Json,
        Form,
        Multipart,
    }
}

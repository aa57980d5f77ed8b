using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Storage.Schema;

namespace Gateway.Node.Plugins.RequestTransformer;

/// <summary>
/// Kong's request-transformer (kong/plugins/request-transformer/access.lua): rewrites the upstream
/// request in Kong's order (uri, method, headers, body, query string), each part in the order remove,
/// rename, replace, add, append. Bodies are changed when JSON or form-encoded (not multipart here).
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
        QueryArgs? query = null;
        if (plan.Uri is { } uri)
        {
            context.UpstreamPath = uri.Render(context);
        }

        if (config.HttpMethod is { } method)
        {
            request.Method = method.ToUpperInvariant();
            if (method is "GET" or "HEAD" or "TRACE" && BodyKind(request.ContentType) == Kind.Form)
            {
                // Kong moves a form body into the query string of a bodiless method.
                var form = QueryArgs.Parse(await ReadBodyAsync(request));
                query ??= QueryArgs.Parse(context.UpstreamQuery);
                foreach (var name in form.Names)
                {
                    foreach (var value in form.Get(name)!)
                    {
                        query.Append(name, value);
                    }
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
            query ??= QueryArgs.Parse(context.UpstreamQuery);
            TransformQuery(context, plan, query);
        }

        if (query is not null)
        {
            var encoded = query.Encode();
            context.UpstreamQuery = encoded.Length == 0 ? "" : "?" + encoded;
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
            if (query.Get(old) is { } values)
            {
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
            query.Append(name, value.Render(context));
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

        var body = await ReadBodyAsync(request);
        var changed = kind == Kind.Json ? TransformJson(context, plan, body) : TransformForm(context, plan, body);
        if (changed is null)
        {
            // Nothing changed (or unparsable JSON): the body goes on as it came.
            SetBody(request, body);
            return;
        }

        SetBody(request, changed);
    }

    private static string? TransformJson(PluginContext context, RequestTransformerPlan plan, string body)
    {
        JsonObject parameters;
        try
        {
            var parsed = body.Length == 0 ? new JsonObject() : JsonNode.Parse(body);
            if (parsed is not JsonObject obj)
            {
                return null;
            }

            parameters = obj;
        }
        catch (JsonException)
        {
            return null;
        }

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
                if (parameters.TryGetPropertyValue(old, out var value))
                {
                    parameters.Remove(old);
                    parameters[@new] = value;
                }

                changed = true;
            }

            foreach (var (name, value) in plan.ReplaceBody)
            {
                if (parameters[name] is not null)
                {
                    parameters[name] = value.Render(context);
                    changed = true;
                }
            }
        }

        foreach (var (name, value) in plan.AddBody)
        {
            if (parameters[name] is null)
            {
                parameters[name] = value.Render(context);
                changed = true;
            }
        }

        foreach (var (name, value) in plan.AppendBody)
        {
            var rendered = value.Render(context);
            parameters[name] = parameters[name] switch
            {
                JsonArray array => Append(array, rendered),
                null => new JsonArray(rendered),
                var current => new JsonArray(current.DeepClone(), rendered),
            };
            changed = true;
        }

        return changed ? parameters.ToJsonString(Compact) : null;

        static JsonArray Append(JsonArray array, string value)
        {
            var copy = (JsonArray)array.DeepClone();
            copy.Add(value);
            return copy;
        }
    }

    private static string? TransformForm(PluginContext context, RequestTransformerPlan plan, string body)
    {
        var parameters = QueryArgs.Parse(body);
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
                if (parameters.Get(old) is { } values)
                {
                    parameters.Remove(old);
                    parameters.Set(@new, values);
                }

                changed = true;
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
            parameters.Append(name, value.Render(context));
            changed = true;
        }

        return changed ? parameters.Encode() : null;
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        SetBody(request, body);
        return body;
    }

    /// <summary>Puts a body back as the request's, with its length (Kong's set_raw_body sets Content-Length).</summary>
    private static void SetBody(HttpRequest request, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Body = new MemoryStream(bytes, writable: false);
        request.Headers.Remove("Transfer-Encoding");
        request.ContentLength = bytes.Length;
    }

    private static bool IsHost(string name) => name.Equals("host", StringComparison.OrdinalIgnoreCase);

    private static Kind BodyKind(string? contentType) =>
        contentType is null ? Kind.Other
        : contentType.Contains("application/json", StringComparison.OrdinalIgnoreCase) ? Kind.Json
        : contentType.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? Kind.Form
        : Kind.Other;

    private enum Kind
    {
        Other,
        Json,
        Form,
    }
}

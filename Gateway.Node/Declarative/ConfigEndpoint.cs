using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Audit;
using Gateway.Node.Config;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Declarative;

namespace Gateway.Node.Declarative;

/// <summary>
/// Kong's <c>/config</c> (kong/api/routes/config.lua), served only with <c>database = off</c>:
/// <c>GET</c> returns the config being served as YAML; <c>POST</c> validates a new one and swaps it in
/// atomically, answering 201 with the entities, 400 with the code-14 errors, or 304 under
/// <c>?check_hash=1</c> when it is the config already served. The body is the config itself (JSON), a
/// JSON or form field <c>config</c> holding YAML or JSON text, or YAML with a YAML content type.
/// </summary>
public sealed class ConfigEndpoint(SchemaRegistry registry, SchemaValidator validator, BodyLimits bodyLimits)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly DeclarativeParser _parser = new(registry, validator);
    private readonly DeclarativeExporter _exporter = new(registry);
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>Handles <c>/config</c>; false for any other path.</summary>
    public async Task<bool> TryHandleAsync(HttpContext context, IReadOnlyList<string> path)
    {
        if (path is not ["config"])
        {
            return false;
        }

        switch (context.Request.Method)
        {
            case "OPTIONS":
                AdminResponse.Allow(context, "GET, HEAD, OPTIONS, POST");
                return true;
            case not ("GET" or "HEAD" or "POST"):
                throw AdminException.MethodNotAllowed();
        }

        var store = context.RequestServices.GetService<DeclarativeConfigStore>()
            ?? throw AdminException.WithMessage(400, "this endpoint is only available when Kong is configured to not use a database");
        if (context.Request.Method is "GET" or "HEAD")
        {
            var yaml = await _exporter.ExportYamlAsync(store, context.RequestAborted);
            await AdminResponse.WriteAsync(context, 200, new JsonObject { ["config"] = yaml });
            return true;
        }

        var document = await ReadConfigAsync(context);
        DeclarativeConfig config;
        try
        {
            config = _parser.Parse(document);
        }
        catch (DeclarativeConfigException e)
        {
            throw Refusal(context, e);
        }

        if (context.Request.Query["check_hash"] == "1" && config.Hash == store.Hash)
        {
            context.Response.StatusCode = 304;
            return true;
        }

        // One load at a time, so two concurrent POSTs publish in the order they are applied.
        await _loading.WaitAsync(context.RequestAborted);
        try
        {
            // Recorded first: a config whose record cannot be written is not served.
            if (context.RequestServices.GetService<NodeAuditLog>() is { } audit)
            {
                await audit.Log.AppendAsync([ConfigRecord(audit.Policy, store.Hash, config.Hash)], context.RequestAborted);
            }

            store.Replace(config, document as JsonObject);
            if (context.RequestServices.GetService<ConfigRefresher>() is { } refresher)
            {
                await refresher.RefreshAsync(context.RequestAborted);
            }
        }
        finally
        {
            _loading.Release();
        }

        await AdminResponse.WriteAsync(context, 201, config.ToEntityMap());
        return true;
    }

    /// <summary>The one object record of a DB-less config load: the config's hash before and after, as entity <c>config</c>.</summary>
    private static AuditDraft ConfigRecord(AuditPolicy policy, string before, string after) => AuditObjectRecords.Record(
        policy, AuditScope.Current, "config", after, "update", new JsonObject { ["config_hash"] = before }, new JsonObject { ["config_hash"] = after }, version: null);

    /// <summary>The declarative document in the request, in any of the shapes Kong accepts.</summary>
    private async Task<JsonNode?> ReadConfigAsync(HttpContext context)
    {
        var request = context.Request;
        var bytes = await BodyReader.ReadAsync(context, bodyLimits);
        if (request.HasFormContentType)
        {
            var form = await RequestBody.ReadFormAsync(context);
            return form.TryGetValue("config", out var text) && !string.IsNullOrEmpty(text)
                ? ParseText(context, text.ToString())
                : throw NoConfig();
        }

        if (bytes.IsEmpty)
        {
            throw NoConfig();
        }

        if (request.ContentType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return ParseText(context, DecodeText(context, bytes.Span));
        }

        var body = RequestBody.ParseJson(bytes.Span) as JsonObject ?? throw AdminException.WithMessage(400, "Cannot parse JSON body");
        return body["config"] switch
        {
            JsonValue text when text.GetValueKind() == JsonValueKind.String => ParseText(context, text.GetValue<string>()),
            JsonObject nested => nested,
            null when body.Count > 0 && !body.ContainsKey("config") => body,
            _ => throw NoConfig(),
        };
    }

    /// <summary>A YAML body as text; one that is not UTF-8 is refused, as libyaml refuses it for Kong.</summary>
    private static string DecodeText(HttpContext context, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Refusal(context, DeclarativeConfigException.Parsing("the text is not valid UTF-8"));
        }
    }

    private static JsonNode? ParseText(HttpContext context, string text)
    {
        try
        {
            return DeclarativeText.Parse(text);
        }
        catch (DeclarativeConfigException e)
        {
            throw Refusal(context, e);
        }
    }

    /// <summary>Code 14; with <c>?flatten_errors=1</c> the entity errors come as Kong's flat list instead of the tree.</summary>
    private static AdminException Refusal(HttpContext context, DeclarativeConfigException e)
    {
        if (context.Request.Query["flatten_errors"].ToString() is not ("1" or "true"))
        {
            return AdminException.Kong(KongError.DeclarativeConfig, e.Message, e.Fields);
        }

        var refusal = AdminException.Kong(KongError.DeclarativeConfig, e.FlattenedMessage, (JsonObject)e.General.DeepClone());
        refusal.Body["flattened_errors"] = e.Flattened.DeepClone();
        return refusal;
    }

    private static AdminException NoConfig() => AdminException.WithMessage(400, "expected a declarative configuration");
}

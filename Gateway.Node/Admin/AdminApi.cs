using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Node.Admin.Rbac;
using Gateway.Node.Audit;
using Gateway.Node.Declarative;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>
/// The Kong-compatible Admin API: one terminal request handler on admin_listen that splits the
/// path, hands it to the meta endpoints or the schema-generated entity endpoints, and turns every
/// refusal into Kong's status and body, its quotes of the caller's input cut (<see cref="EchoLimit"/>).
/// Nothing the caller sends can produce a 500. It reads through
/// <paramref name="reader"/> (the node's <see cref="Config.SnapshotFallbackReader"/>) and writes through
/// <paramref name="writer"/>, the cluster.
/// </summary>
public sealed partial class AdminApi(
    SchemaRegistry registry, IConfigReader reader, ClusterConfigWriter writer, SchemaValidator validator, AdminOptions options, AdminCors cors,
    RbacGuard guard, ILogger<AdminApi> logger, AdminAudit? audit = null, PluginAdminEndpoints? plugins = null)
{
    /// <summary>The message of the 503 a request gets while the database is unreachable and the snapshot cannot answer it.</summary>
    public const string UnavailableMessage = "database unreachable: configuration changes are refused until it is back; reads are served from the local snapshot";

    private readonly MetaEndpoints _meta = new(registry, reader, validator, options);
    private readonly EntityEndpoints _entities = new(registry, reader, writer, validator, options.Body);
    private readonly ConfigEndpoint _config = new(registry, validator, options.Body);
    private readonly RbacEndpoints _rbac = new(registry, reader, writer, validator, options.Body);

    /// <summary>Serves one Admin API request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.Server = $"kong/{NodeIdentity.KongVersion}";
        if (cors.Apply(context))
        {
            return;
        }

        var audited = audit?.Begin(context);
        try
        {
            await HandleAuditedAsync(context, audited);
        }
        finally
        {
            if (audited is not null)
            {
                audit!.End(context, audited, context.Features.Get<AdminRequestBody>()?.Body);
            }
        }
    }

    private async Task HandleAuditedAsync(HttpContext context, AdminAuditRequest? audited)
    {
        try
        {
            var path = SplitPath(context.Request.Path.Value);
            try
            {
                guard.Check(context, path);
            }
            finally
            {
                if (audited is not null && context.Features.Get<RbacUser>() is { } user)
                {
                    audited.Authenticated(user.Id, user.Name);
                }
            }

            if (!await _meta.TryHandleAsync(context, path) && !await _config.TryHandleAsync(context, path)
                && !await UpstreamHealthEndpoints.TryHandleAsync(context, path, reader, options) && !await _rbac.TryHandleAsync(context, path)
                && !await AuditEndpoints.TryHandleAsync(context, path) && !await MetricsEndpoint.TryHandleAsync(context, path)
                && !(plugins is not null && await plugins.TryHandleAsync(context, path)) && !await _entities.TryHandleAsync(context, path))
            {
                throw AdminException.NotFound();
            }
        }
        catch (AdminException e)
        {
            await WriteRefusalAsync(context, e);
        }
        catch (InvalidOffsetException e)
        {
            await WriteRefusalAsync(context, AdminException.Kong(KongError.InvalidOffset, e.Message));
        }
        catch (DatabaseUnavailableException)
        {
            await AdminResponse.WriteAsync(context, 503, new JsonObject { ["message"] = UnavailableMessage });
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            LogFailure(logger, context.Request.Method, context.Request.Path, e);
            var refusal = AdminException.Kong(KongError.DatabaseError, "An unexpected error occurred");
            await AdminResponse.WriteAsync(context, 500, refusal.Body);
        }
    }

    private static Task WriteRefusalAsync(HttpContext context, AdminException refusal) =>
        AdminResponse.WriteAsync(context, refusal.Status, EchoLimit.Bound(refusal.Body));

    /// <summary>
    /// Splits the path; empty segments (a trailing slash) are dropped, as nginx's routing does. Kestrel has
    /// decoded the path once already, all but <c>%2F</c>, which is decoded here so a name may hold a slash;
    /// decoding the rest again would decode it twice (<c>%2500</c> would become a NUL).
    /// </summary>
    private static string[] SplitPath(string? path) =>
        (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)).ToArray();

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin API {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);
}

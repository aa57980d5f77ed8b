using System.Text.Json.Nodes;
using Gateway.Node.Declarative;
using Gateway.Storage.Declarative;
using Gateway.Schema;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>
/// The Kong-compatible Admin API: one terminal request handler on admin_listen that splits the
/// path, hands it to the meta endpoints or the schema-generated entity endpoints, and turns every
/// refusal into Kong's status and body. Nothing the caller sends can produce a 500.
/// </summary>
public sealed partial class AdminApi(SchemaRegistry registry, IConfigStore store, SchemaValidator validator, AdminOptions options, ILogger<AdminApi> logger)
{
    private readonly MetaEndpoints _meta = new(registry, store, validator, options);
    private readonly EntityEndpoints _entities = new(registry, store, validator, options.MaxBodyBytes);
    private readonly ConfigEndpoint _config = new(registry, validator, options.MaxBodyBytes);

    /// <summary>Serves one Admin API request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.Server = $"kong/{NodeIdentity.KongVersion}";
        if (AdminCors.Apply(context))
        {
            return;
        }

        try
        {
            var path = SplitPath(context.Request.Path.Value);
            if (!await _meta.TryHandleAsync(context, path) && !await _config.TryHandleAsync(context, path)
                && !await UpstreamHealthEndpoints.TryHandleAsync(context, path, store, options) && !await _entities.TryHandleAsync(context, path))
            {
                throw AdminException.NotFound();
            }
        }
        catch (AdminException e)
        {
            await AdminResponse.WriteAsync(context, e.Status, e.Body);
        }
        catch (StoreConstraintException e)
        {
            var refusal = Translate(e);
            await AdminResponse.WriteAsync(context, refusal.Status, refusal.Body);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            LogFailure(logger, context.Request.Method, context.Request.Path, e);
            var refusal = AdminException.Kong(KongError.DatabaseError, "An unexpected error occurred");
            await AdminResponse.WriteAsync(context, 500, refusal.Body);
        }
    }

    /// <summary>Maps the store's refusals to Kong's codes (kong/db/errors.lua).</summary>
    private static AdminException Translate(StoreConstraintException e) => e switch
    {
        UniqueViolationException unique => AdminException.Kong(KongError.UniqueViolation, e.Message, (JsonObject)unique.Key.DeepClone()),
        PrimaryKeyViolationException primary => AdminException.Kong(KongError.PrimaryKeyViolation, e.Message, new JsonObject { ["id"] = primary.Id }),
        ForeignKeyViolationException foreign => AdminException.Kong(KongError.ForeignKeyViolation, e.Message,
            new JsonObject { [foreign.Field] = new JsonObject { ["id"] = foreign.Id } }),
        ReferencedByOthersException referenced => AdminException.Kong(KongError.ForeignKeyViolation, e.Message,
            new JsonObject { ["@referenced_by"] = referenced.Child }),
        InvalidOffsetException => AdminException.Kong(KongError.InvalidOffset, e.Message),
        OperationUnsupportedException => AdminException.Kong(KongError.OperationUnsupported, e.Message),
        _ => AdminException.Kong(KongError.DatabaseError, e.Message),
    };

    /// <summary>Splits and unescapes the path; empty segments (a trailing slash) are dropped, as nginx's routing does.</summary>
    private static string[] SplitPath(string? path) =>
        (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin API {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);
}

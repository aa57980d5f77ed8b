using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Storage.Schema;

namespace Gateway.Node.Plugins.RequestTermination;

/// <summary>
/// Kong's request-termination (kong/plugins/request-termination/handler.lua): answers every request
/// (or those carrying the <c>trigger</c> header or query argument) with a fixed status and body, or
/// echoes the request back.
/// </summary>
public sealed class RequestTerminationPlugin : GatewayPlugin<RequestTerminationConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => RequestTerminationSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, RequestTerminationConfig config)
    {
        var request = context.Http.Request;
        if (config.Trigger is { } trigger && !request.Headers.ContainsKey(trigger) && !request.Query.ContainsKey(trigger))
        {
            return ValueTask.CompletedTask;
        }

        var message = config.Message ?? DefaultMessage(config.StatusCode);
        if (config.Echo)
        {
            context.Exit(config.StatusCode, Echo(context, message));
        }
        else if (config.Body is { } body)
        {
            context.Exit(config.StatusCode, body, config.ContentType);
        }
        else
        {
            context.Exit(config.StatusCode, message is null ? null : PluginContext.Message(message));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Kong's DEFAULT_RESPONSE texts.</summary>
    private static string? DefaultMessage(int status) => status switch
    {
        401 => "Unauthorized",
        404 => "Not found",
        405 => "Method not allowed",
        500 => "An unexpected error occurred",
        502 => "Bad Gateway",
        503 => "Service unavailable",
        _ => null,
    };

    private static JsonObject Echo(PluginContext context, string? message)
    {
        var request = context.Http.Request;
        var headers = new JsonObject();
        foreach (var (name, value) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = value.ToString();
        }

        var query = new JsonObject();
        foreach (var (name, value) in request.Query)
        {
            query[name] = value.ToString();
        }

        var echo = new JsonObject
        {
            ["request"] = new JsonObject
            {
                ["scheme"] = context.Scheme,
                ["host"] = context.Host,
                ["port"] = context.Http.Connection.LocalPort,
                ["headers"] = headers,
                ["query"] = query,
                ["method"] = request.Method,
                ["path"] = context.Path,
            },
            ["matched_route"] = context.Route?.DeepClone(),
            ["matched_service"] = context.Service?.DeepClone(),
        };
        if (message is not null)
        {
            echo["message"] = message;
        }

        return echo;
    }
}

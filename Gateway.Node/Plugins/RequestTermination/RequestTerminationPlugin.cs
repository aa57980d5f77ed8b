using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Schema;

namespace Gateway.Node.Plugins.RequestTermination;

/// <summary>
/// Kong's request-termination (kong/plugins/request-termination/handler.lua): answers every request
/// (or those carrying the <c>trigger</c> header or query argument) with a fixed status and body, or
/// echoes the request back.
/// </summary>
public sealed class RequestTerminationPlugin(PluginServices services) : GatewayPlugin<RequestTerminationConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => RequestTerminationSchema.Schema;

    /// <inheritdoc />
    public override async ValueTask AccessAsync(PluginContext context, RequestTerminationConfig config)
    {
        var request = context.Http.Request;
        if (config.Trigger is { } trigger
            && !request.Headers.ContainsKey(trigger)
            && !request.Headers.ContainsKey(trigger.Replace('_', '-'))
            && !QueryArgs.HasArgument(request.QueryString.Value, trigger))
        {
            // Kong's header table finds "x_stop" as X-Stop; its query table is exact and case-sensitive.
            return;
        }

        var message = config.Message ?? DefaultMessage(config.StatusCode);
        if (config.Echo)
        {
            context.Exit(config.StatusCode, await EchoAsync(context, message, QueryArgs.Parse(request.QueryString.Value, QueryArgs.NginxMaxArgs).ToJson()));
        }
        else if (config.Body is { } body)
        {
            context.Exit(config.StatusCode, body, config.ContentType);
        }
        else
        {
            context.Exit(config.StatusCode, message is null ? null : PluginContext.Message(message));
        }
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

    /// <summary>Kong's echo: the request as the PDK sees it, the matched route and service, and this node.</summary>
    private async Task<JsonObject> EchoAsync(PluginContext context, string? message, JsonObject query)
    {
        var request = context.Http.Request;
        var headers = new JsonObject();
        foreach (var (name, values) in request.Headers)
        {
            // Kong's get_headers: a repeated header is an array of its values.
            headers[name.ToLowerInvariant()] = values.Count == 1
                ? values[0]
                : new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        var echoed = new JsonObject
        {
            ["scheme"] = request.Scheme,
            ["host"] = request.Host.HasValue ? request.Host.Host.ToLowerInvariant() : context.Host,
            ["port"] = context.Http.Connection.LocalPort,
            ["headers"] = headers,
            ["query"] = query,
        };
        var raw = await EchoBody.ReadAsync(request);
        if (raw is not null)
        {
            if (EchoBody.Parse(request.ContentType, raw) is { } parsed)
            {
                echoed["body"] = parsed;
            }

            echoed["raw_body"] = raw;
        }

        echoed["method"] = request.Method;
        echoed["path"] = context.Path;
        var echo = new JsonObject
        {
            ["kong"] = NodeInfo(),
            ["request"] = echoed,
            ["matched_route"] = context.Route?.DeepClone(),
            ["matched_service"] = context.Service?.DeepClone(),
        };
        if (message is not null)
        {
            echo["message"] = message;
        }

        return echo;
    }

    /// <summary>Kong's <c>kong</c> member: node id, process id and host name.</summary>
    private JsonObject NodeInfo()
    {
        var info = new JsonObject();
        if (services.Find<NodeIdentity>() is { } identity)
        {
            info["node_id"] = identity.NodeId;
        }

        info["worker_pid"] = Environment.ProcessId;
        info["hostname"] = Environment.MachineName;
        return info;
    }
}

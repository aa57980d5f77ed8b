using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Pipeline;
using Gateway.Plugins.Sdk;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Node.Proxy;

/// <summary>
/// The answers the gateway gives itself instead of the upstream's, with Kong's bodies and status codes: what
/// nginx refuses (405 TRACE, 400, 408, 413), no route (404), the runloop's refusals (426, the https redirect, 415, grpc-status), no service or no peer
/// (503), a failed upstream (502, 503, 504) and a plugin's <c>kong.response.exit</c>/<c>error</c>. Each goes
/// out with Kong's headers and through the request's plugins, header filter, body filter and log, as Kong's
/// (kong/runloop/handler.lua, kong/pdk/response.lua).
/// </summary>
internal static class GatewayAnswers
{
    /// <summary>Kong's 404 when no route matches.</summary>
    public static Task NoRouteAsync(ProxyExchange exchange) =>
        ErrorAsync(exchange, 404, "no Route matched with those values", ErrorTemplates.ForResponseError(exchange.Context.Request.Headers.Accept));

    /// <summary>Kong's 503 for a route without service: <c>kong.response.exit(503, { message = ... })</c>, after the plugins, always compact JSON.</summary>
    public static Task NoServiceAsync(ProxyExchange exchange) =>
        WriteAsync(exchange, 503, ErrorTemplates.Json, """{"message":"no Service found with those values"}""");

    /// <summary>Kong's 503 when the balancer has no peer to give.</summary>
    public static Task NoPeerAsync(ProxyExchange exchange, string failure) =>
        ErrorAsync(exchange, 503, failure, ErrorTemplates.ForResponseError(exchange.Context.Request.Headers.Accept));

    /// <summary>Kong's answer to a request its runloop turns away (<see cref="RunloopChecks"/>).</summary>
    public static Task RefuseAsync(ProxyExchange exchange, RunloopRefusal refusal)
    {
        var headers = exchange.Context.Response.Headers;
        var redirect = exchange.Match!.Route.HttpsRedirectStatusCode;
        switch (refusal)
        {
            case RunloopRefusal.HttpsRequired when redirect is 301 or 302 or 307 or 308:
                headers.Location = $"https://{exchange.Forwarded.Host}{exchange.RawTarget ?? exchange.RawPath}";
                headers.ContentLength = 0;
                return WriteAsync(exchange, redirect, null, null);
            case RunloopRefusal.HttpsRequired:
                headers.Connection = "Upgrade";
                headers.Upgrade = "TLS/1.2, HTTP/1.1";
                return WriteAsync(exchange, 426, ErrorTemplates.Json, new JsonObject { ["message"] = "Please use HTTPS protocol" }.ToJsonString());
            case RunloopRefusal.Http2Required:
                headers.Connection = "Upgrade";
                headers.Upgrade = "HTTP/2";
                return WriteAsync(exchange, 426, ErrorTemplates.Json, """{"message":"Please use HTTP2 protocol"}""");
            case RunloopRefusal.NotGrpc:
                return WriteAsync(exchange, 415, ErrorTemplates.Json, """{"message":"Non-gRPC request matched gRPC route"}""");
            default:
                headers["grpc-status"] = "1";
                headers["grpc-message"] = "gRPC request matched gRPCs route";
                return WriteAsync(exchange, 200, null, null);
        }
    }

    /// <summary>Kong's answer when no try reached the upstream's response: 502, 503 or 504 (nothing when the client left).</summary>
    public static Task ProxyErrorAsync(ProxyExchange exchange, ForwarderError error)
    {
        var context = exchange.Context;
        if (context.Response.HasStarted)
        {
            // The upstream's answer is already on its way: the connection is cut, nothing to add.
            return Task.CompletedTask;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (error == ForwarderError.Request && ForwarderFailures.IsNameResolution(exception))
        {
            // Kong's balancer answers a DNS failure with 503 before any connection is tried.
            return ErrorAsync(exchange, 503, "name resolution failed", ErrorTemplates.ForResponseError(context.Request.Headers.Accept));
        }

        var status = error switch
        {
            ForwarderError.RequestTimedOut => 504,
            ForwarderError.Request when ForwarderFailures.IsTimeout(exception) => 504,
            ForwarderError.RequestBodyClient => ForwarderFailures.ClientBodyStatus(exception),
            ForwarderError.NoAvailableDestinations => 503,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled => 499,
            _ => 502,
        };
        if (status == 499)
        {
            // The client went away; nobody reads an answer.
            return Task.CompletedTask;
        }

        return ErrorHandlerAsync(exchange, status);
    }

    /// <summary>
    /// Kong's error handler's answer to a request nginx turns away itself (<see cref="RequestChecks"/>, or a body
    /// that broke, stalled or grew past the limit while it was read: 400, 408, 413). After a refused body the
    /// connection closes, as nginx's: what is left of the body is not worth reading. 499 (the client went away
    /// while its body was read) gets no answer: nobody reads it.
    /// </summary>
    public static Task RefuseRequestAsync(ProxyExchange exchange, int status)
    {
        if (status == StatusCodes.Status499ClientClosedRequest)
        {
            return Task.CompletedTask;
        }

        var context = exchange.Context;
        if (status != StatusCodes.Status405MethodNotAllowed)
        {
            context.Response.Headers.Connection = "close";
        }

        return ErrorHandlerAsync(exchange, status);
    }

    /// <summary>A plugin's answer (kong.response.exit or kong.response.error), with its headers.</summary>
    public static Task PluginExitAsync(ProxyExchange exchange, PluginExit exit)
    {
        var response = exchange.Context.Response;
        var contentType = exit.ContentType;
        foreach (var (name, value) in exit.Headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }

        if (exit.BodyStream is { } stream)
        {
            return StreamAsync(exchange, exit.Status, contentType, stream);
        }

        var body = exit.Body;
        if (exit.IsError)
        {
            contentType ??= ErrorTemplates.ForResponseError(exchange.Context.Request.Headers.Accept);
            body = ErrorTemplates.Render(contentType, body ?? PluginMessages.ForStatus(exit.Status), exchange.RequestId);
        }

        return WriteAsync(exchange, exit.Status, contentType, body);
    }

    /// <summary>Kong's error handler's answer: its message for the status, in the type the request asks for.</summary>
    private static Task ErrorHandlerAsync(ProxyExchange exchange, int status)
    {
        var headers = exchange.Context.Request.Headers;
        return ErrorAsync(exchange, status, PluginMessages.ForStatus(status), ErrorTemplates.ForProxyError(headers.Accept, headers.ContentType));
    }

    /// <summary>kong.response.error: the message in the format the client asks for, with the request id.</summary>
    private static Task ErrorAsync(ProxyExchange exchange, int status, string message, string mimeType)
    {
        if (mimeType == ErrorTemplates.Json && status == 404)
        {
            // kong.response.error with JSON: the compact cjson encoding of {message, request_id}.
            var body = new JsonObject { ["message"] = message, ["request_id"] = exchange.RequestId }.ToJsonString();
            return WriteAsync(exchange, status, mimeType, body);
        }

        return WriteAsync(exchange, status, mimeType, ErrorTemplates.Render(mimeType, message, exchange.RequestId));
    }

    /// <summary>The answer's status and type, then Kong's headers and the header filters (Kong's order: header filters, then body filters, then the bytes).</summary>
    private static HttpResponse StartAnswer(ProxyExchange exchange, int status, string? contentType)
    {
        var response = exchange.Context.Response;
        response.StatusCode = status;
        if (contentType is not null)
        {
            response.ContentType = contentType;
        }

        ResponsePhases.WriteHeaders(exchange, fromUpstream: false);
        return response;
    }

    /// <summary>A plugin's streamed answer: as <see cref="WriteAsync"/>, the body copied as it is read (whole first when a body filter needs it).</summary>
    private static async Task StreamAsync(ProxyExchange exchange, int status, string? contentType, Stream body)
    {
        await using (body)
        {
            var context = exchange.Context;
            var response = StartAnswer(exchange, status, contentType);
            if (exchange.Plugins is { BuffersBody: true })
            {
                using var whole = new MemoryStream();
                await body.CopyToAsync(whole, context.RequestAborted);
                var sent = await ResponsePhases.WriteBodyAsync(exchange, whole.GetBuffer().AsMemory(0, (int)whole.Length), lengthKnown: true);
                await ResponsePhases.LogAsync(exchange, fromUpstream: false, sent, streamed: null);
                return;
            }

            var counter = new CountingStream(response.Body);
            await body.CopyToAsync(counter, context.RequestAborted);
            await ResponsePhases.LogAsync(exchange, fromUpstream: false, bodySize: null, counter);
        }
    }

    /// <summary>Writes an answer: Kong's headers, the plugins' header and body filters, then the log phase.</summary>
    private static async Task WriteAsync(ProxyExchange exchange, int status, string? contentType, string? body)
    {
        var context = exchange.Context;
        var response = StartAnswer(exchange, status, contentType);
        if (exchange.Plugins is null && exchange.Options.AccessLog is null)
        {
            if (body is not null)
            {
                await response.WriteAsync(body, context.RequestAborted);
            }

            return;
        }

        var bytes = body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body);
        var sent = await ResponsePhases.WriteBodyAsync(exchange, bytes, lengthKnown: body is not null);
        await ResponsePhases.LogAsync(exchange, fromUpstream: false, sent, streamed: null);
    }
}

using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Support;

/// <summary>
/// A <see cref="Backend"/>'s default answer: what it received, as JSON (backend name, method, raw target,
/// protocol, headers and body length). <c>/slow?ms=N</c> waits before answering; <c>/ws</c> is a WebSocket
/// echo; <c>/status/N</c> answers with status N; <c>?content_length</c> sends a Content-Length instead of a
/// chunked body; <c>?chunks=N</c> sends the body in N flushes, 20 ms apart.
/// </summary>
public static class BackendEcho
{
    /// <summary>Answers <paramref name="context"/> as the backend called <paramref name="name"/>.</summary>
    public static async Task HandleAsync(HttpContext context, string name)
    {
        var request = context.Request;
        if (request.Path == "/ws" && context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        }

        if (request.Path.StartsWithSegments("/slow") && int.TryParse(request.Query["ms"], out var ms))
        {
            await Task.Delay(ms, context.RequestAborted);
        }

        if (request.Path.StartsWithSegments("/status", out var rest) && int.TryParse(rest.Value?.Trim('/'), out var status))
        {
            context.Response.StatusCode = status;
        }

        long length = 0;
        var buffer2 = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer2, context.RequestAborted)) > 0)
        {
            length += read;
        }

        var headers = new JsonObject();
        foreach (var (key, value) in request.Headers)
        {
            headers[key.ToLowerInvariant()] = value.ToString();
        }

        var body = new JsonObject
        {
            ["backend"] = name,
            ["method"] = request.Method,
            ["target"] = context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            ["protocol"] = request.Protocol,
            ["headers"] = headers,
            ["body_length"] = length,
        };
        context.Response.Headers["X-Backend"] = name;
        context.Response.Headers.Via = "1.1 backend";
        context.Response.ContentType = "application/json";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        if (request.Query.ContainsKey("content_length"))
        {
            context.Response.ContentLength = bytes.Length;
        }

        if (int.TryParse(request.Query["chunks"], out var chunks) && chunks > 1)
        {
            // Separate flushes, apart in time: the proxy reads, and writes, each on its own.
            var part = bytes.Length / chunks;
            for (var i = 0; i < chunks; i++)
            {
                var slice = i == chunks - 1 ? bytes.AsMemory(i * part) : bytes.AsMemory(i * part, part);
                await context.Response.Body.WriteAsync(slice, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(20, context.RequestAborted);
            }

            return;
        }

        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}

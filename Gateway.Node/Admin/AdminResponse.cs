using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Node.Admin;

/// <summary>Writes Admin API responses: JSON bodies, and the bare 204 of OPTIONS.</summary>
public static class AdminResponse
{
    /// <summary>Escapes only what JSON requires, as Kong's cjson: regexes and names come back as they were written.</summary>
    private static readonly JsonSerializerOptions KongJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="body"/> as JSON with the status.</summary>
    public static Task WriteAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.WriteAsync(body.ToJsonString(KongJson), context.RequestAborted);
    }

    /// <summary>Answers OPTIONS: 204 with the methods the endpoint allows.</summary>
    public static void Allow(HttpContext context, string methods)
    {
        context.Response.StatusCode = 204;
        context.Response.Headers.Allow = methods;
    }

    /// <summary>
    /// For an endpoint that only reads: answers OPTIONS (true: nothing more to do), refuses any write with 405, and
    /// returns false for GET and HEAD, which the endpoint answers.
    /// </summary>
    /// <exception cref="AdminException">The method writes.</exception>
    public static bool AnsweredAsReadOnly(HttpContext context)
    {
        switch (context.Request.Method)
        {
            case "OPTIONS":
                Allow(context, "GET, HEAD, OPTIONS");
                return true;
            case "GET" or "HEAD":
                return false;
            default:
                throw AdminException.MethodNotAllowed();
        }
    }
}

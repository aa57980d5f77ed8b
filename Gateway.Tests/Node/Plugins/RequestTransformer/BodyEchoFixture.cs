using System.Text.Json.Nodes;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Node.Plugins.RequestTransformer;

/// <summary>
/// An upstream for a test class that echoes the request body itself (the default echo only counts its
/// bytes): method, target, content-type, content-length and the body as text.
/// </summary>
public sealed class BodyEchoFixture : IAsyncLifetime
{
    private Backend? _backend;

    /// <summary>The port it listens on.</summary>
    public int Port => _backend?.Port ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task InitializeAsync() => _backend = await Backend.StartAsync(EchoAsync);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    private static async Task EchoAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var echo = new JsonObject
        {
            ["method"] = context.Request.Method,
            ["target"] = context.Features.Get<IHttpRequestFeature>()!.RawTarget,
            ["content_type"] = context.Request.ContentType,
            ["content_length"] = context.Request.ContentLength,
            ["body"] = await reader.ReadToEndAsync(context.RequestAborted),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(echo.ToJsonString(), context.RequestAborted);
    }
}

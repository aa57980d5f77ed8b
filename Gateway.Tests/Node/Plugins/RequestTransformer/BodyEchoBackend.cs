using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Node.Plugins.RequestTransformer;

/// <summary>
/// A real Kestrel upstream on 127.0.0.1 that echoes the request body itself (the shared backend only
/// counts its bytes): method, target, content-type, content-length and the body as text.
/// </summary>
public sealed class BodyEchoBackend : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(async context =>
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
        });
        await _app.StartAsync();
        Port = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

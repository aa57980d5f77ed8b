using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Node.Plugins.ResponseRateLimiting;

/// <summary>
/// An upstream that reports usage as Kong's response-ratelimiting expects: it answers with
/// <c>X-Kong-Limit</c> set to the <c>limit</c> query argument, and echoes the
/// <c>X-RateLimit-Remaining-videos</c> request header it received as its body.
/// </summary>
public sealed class UsageBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UsageBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>Its port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts it.</summary>
    public static async Task<UsageBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            if (context.Request.Query["limit"] is { Count: > 0 } limit)
            {
                context.Response.Headers["X-Kong-Limit"] = limit.ToString();
            }

            await context.Response.WriteAsync(context.Request.Headers["X-RateLimit-Remaining-videos"].ToString());
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new UsageBackend(app, new Uri(address).Port);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

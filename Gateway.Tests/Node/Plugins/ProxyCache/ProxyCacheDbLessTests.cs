using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.ProxyCache;

/// <summary>proxy-cache declared in a kong.yml on a DB-less node: the cache and its Admin endpoints work without a database.</summary>
public sealed class ProxyCacheDbLessTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-proxy-cache-").FullName;
    private Backend? _backend;
    private TestNode? _node;

    public async Task InitializeAsync()
    {
        _backend = await CachingBackend.StartAsync();
        var path = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(path, $"""
            _format_version: "3.0"
            services:
            - name: cached
              url: http://127.0.0.1:{_backend.Port}
              routes:
              - name: cached
                paths: [/cached]
                plugins:
                - name: proxy-cache
                  config:
                    strategy: memory
                    cache_ttl: 60
            """);
        _node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DeclaredProxyCache_ServesTheSecondRequestFromTheCache_AndPurges()
    {
        using var miss = await _node!.Proxy.GetAsync("/cached/x");
        using var hit = await _node.Proxy.GetAsync("/cached/x");

        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal("Miss", miss.Headers.GetValues("X-Cache-Status").Single());
        Assert.Equal("Hit", hit.Headers.GetValues("X-Cache-Status").Single());
        Assert.Equal(1, _backend!.Requests);

        var (status, _) = await _node.CallAsync(HttpMethod.Delete, "/proxy-cache/" + hit.Headers.GetValues("X-Cache-Key").Single());
        Assert.Equal(204, status);
        using var again = await _node.Proxy.GetAsync("/cached/x");
        Assert.Equal("Miss", again.Headers.GetValues("X-Cache-Status").Single());
        Assert.Equal(2, _backend.Requests);
    }
}

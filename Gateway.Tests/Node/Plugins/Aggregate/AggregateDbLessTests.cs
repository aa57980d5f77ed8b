using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Aggregate;

/// <summary>The aggregate plugin from a declarative file on a DB-less node, and a file whose backend names no service.</summary>
public sealed class AggregateDbLessTests(AggregateBackends backends) : IClassFixture<AggregateBackends>, IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-aggregate-").FullName;
    private TestNode? _node;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(path, $"""
            _format_version: "3.0"
            services:
            - name: users
              url: http://127.0.0.1:{backends.Port}/users
            - name: orders
              url: http://127.0.0.1:{backends.Port}/orders
            routes:
            - name: profile
              paths: [/profile]
              plugins:
              - name: aggregate
                config:
                  backends:
                  - name: user
                    service: users
                    path: /{"{query.id}"}
                    allow: [name]
                    forward_query: false
                  - name: orders
                    service: orders
                    path: /?user={"{user.name}"}
                    depends_on: [user]
                    is_collection: true
                    forward_query: false
            """);
        _node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task DeclaredAggregate_MergesItsServicesAnswers()
    {
        using var response = await _node!.Proxy.GetAsync("/profile?id=9");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal(
            """{"name":"user-9","collection":[{"id":1,"user":"user-9"},{"id":2,"user":"user-9"}]}""",
            JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task PostConfig_WithABackendNamingNoService_IsRefused_AndTheOldConfigStays()
    {
        var (status, body) = await _node!.CallAsync(HttpMethod.Post, "/config", """
            {"_format_version":"3.0","routes":[{"name":"r","paths":["/r"],"plugins":[{"name":"aggregate","config":{"backends":[{"name":"a","service":"nowhere"}]}}]}]}
            """);

        Assert.Equal(400, status);
        Assert.Equal(14, body!["code"]!.GetValue<int>());
        JsonAssert.Equal(
            """{"routes":[{"plugins":[{"config":{"@entity":["backends.1.service: no services entity with id or name 'nowhere'"]}}]}]}""",
            body["fields"]);
        using var stillServed = await _node.Proxy.GetAsync("/profile?id=1");
        Assert.Equal(HttpStatusCode.OK, stillServed.StatusCode);
    }
}

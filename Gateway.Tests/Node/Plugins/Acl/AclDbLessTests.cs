using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Acl;

/// <summary>key-auth and acl on a DB-less node: credentials and groups come from the declarative file.</summary>
public sealed class AclDbLessTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-acl-dbless-").FullName;
    private Backend? _backend;
    private TestNode? _node;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync("acl");
        var path = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(path, $"""
            _format_version: "3.0"
            services:
            - name: api
              url: http://127.0.0.1:{_backend.Port}
              routes:
              - name: admin-only
                paths: [/admin]
                plugins:
                - name: key-auth
                - name: acl
                  config:
                    allow: [admin]
            consumers:
            - username: root
              keyauth_credentials:
              - key: root-key
              acls:
              - group: admin
              - group: ops
            - username: guest
              keyauth_credentials:
              - key: guest-key
              acls:
              - group: visitors
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
    public async Task GroupsFromTheDeclarativeFile_DecideAccess()
    {
        using var root = new HttpRequestMessage(HttpMethod.Get, "/admin");
        root.Headers.Add("apikey", "root-key");
        using var allowed = await _node!.Proxy.SendAsync(root);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var echo = JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!;
        Assert.Equal("root", echo["headers"]!["x-consumer-username"]!.GetValue<string>());
        Assert.Equal(["admin", "ops"], echo["headers"]!["x-consumer-groups"]!.GetValue<string>().Split(", ").Order());

        using var guest = new HttpRequestMessage(HttpMethod.Get, "/admin");
        guest.Headers.Add("apikey", "guest-key");
        using var refused = await _node.Proxy.SendAsync(guest);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("You cannot consume this service", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.BasicAuth;

/// <summary>
/// Credentials migrated from Kong: a <c>kong config db_export</c> file keeps Kong's password digests
/// (<c>_transform: false</c>), the hex SHA-1 of the password and the consumer id; their consumers log in with
/// the same passwords here.
/// </summary>
public sealed class KongDigestTests : IAsyncLifetime
{
    private const string ConsumerId = "7fe4b1bd-2a4e-4d5c-9c6b-2b1f5b4c3f01";

    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-kong-digest-").FullName;
    private Backend _backend = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        var digest = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes("open sesame" + ConsumerId)));
        var path = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(path, $"""
            _format_version: "3.0"
            _transform: false
            services:
            - name: private
              url: http://127.0.0.1:{_backend.Port}
              routes:
              - name: private-route
                paths: [/private]
                plugins:
                - name: basic-auth
            consumers:
            - id: {ConsumerId}
              username: ali
              basicauth_credentials:
              - username: ali
                password: {digest}
            """);
        _node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KongDigest_AcceptsThePassword_AndOnlyIt()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("ali", "open sesame"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("ali", "open sesame!"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("ali", ""));
    }

    private async Task<HttpStatusCode> StatusAsync(string username, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/private");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        using var response = await _node.Proxy.SendAsync(request);
        return response.StatusCode;
    }
}

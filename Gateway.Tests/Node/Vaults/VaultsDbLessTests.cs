using System.Net;
using Gateway.Tests.Node.Plugins.HttpLog;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Vaults;

/// <summary>vaults, key_sets and keys in a declarative file (kong.yml) on a DB-less node, and a plugin resolving through the file's vault.</summary>
public sealed class VaultsDbLessTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-vaults-dbless-").FullName;
    private readonly string _variable = $"GWDBLESS{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}_TOKEN";
    private Backend _backend = null!;
    private LogReceiver _receiver = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, "from-the-file-vault");
        _backend = await Backend.StartAsync();
        _receiver = await LogReceiver.StartAsync();
        var path = Path.Combine(_folder, "kong.yml");
        await File.WriteAllTextAsync(path, $$"""
            _format_version: "3.0"
            vaults:
            - prefix: file-env
              name: env
              config:
                prefix: {{_variable[..^"TOKEN".Length]}}
            key_sets:
            - name: signing
            keys:
            - name: signing-key
              kid: k1
              set: signing
              jwk: '{"kid":"k1"}'
            services:
            - name: logged
              url: http://127.0.0.1:{{_backend.Port}}
              routes:
              - name: logged
                paths: [/logged]
                plugins:
                - name: http-log
                  config:
                    http_endpoint: http://127.0.0.1:{{_receiver.Port}}/
                    headers:
                      X-Token: "{vault://file-env/token}"
            """);
        _node = await TestNode.StartAsync("--database", "off", "--declarative_config", path);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _receiver.DisposeAsync();
        await _backend.DisposeAsync();
        Environment.SetEnvironmentVariable(_variable, null);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task FileEntities_AreServed_AndTheFilesVaultResolvesThePluginsHeader()
    {
        var vault = await _node.GetAsync("/vaults/file-env");
        var key = await _node.GetAsync("/keys/signing-key");
        var set = await _node.GetAsync("/key-sets/signing");
        using var response = await _node.Proxy.GetAsync("/logged");

        Assert.Equal("env", vault["name"]!.GetValue<string>());
        Assert.Equal(set["id"]!.GetValue<string>(), key["set"]!["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from-the-file-vault", (await _receiver.NextAsync()).Headers["x-token"]);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.FileLog;

/// <summary>file-log against a real backend (Kong's spec/03-plugins/04-file-log).</summary>
public sealed class FileLogTests : IAsyncLifetime
{
    private Backend _backend = null!;
    private TestNode _node = null!;
    private string _directory = "";

    public async Task InitializeAsync()
    {
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync();
        _directory = Directory.CreateTempSubdirectory("file-log-test-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EachRequest_AppendsOneJsonLine()
    {
        var path = Path.Combine(_directory, "access.log");
        await RouteWithLogAsync("one", path, reopen: false);
        await GetAsync("/one/a");

        // The log phase runs after the answer is sent, so the next request's may run first: wait for the line.
        await LinesAsync(path, 1);
        await GetAsync("/one/b?x=1");

        var lines = await LinesAsync(path, 2);
        Assert.Equal(["/one/a", "/one/b?x=1"], lines.Select(l => JsonNode.Parse(l)!["request"]!["uri"]!.GetValue<string>()));
        var first = JsonNode.Parse(lines[0])!;
        Assert.Equal(200, first["response"]!["status"]!.GetValue<int>());
        Assert.Equal("/a", first["upstream_uri"]!.GetValue<string>());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Reopen_WritesToANewFileAfterRotation()
    {
        var path = Path.Combine(_directory, "rotated.log");
        await RouteWithLogAsync("rot", path, reopen: true);
        await GetAsync("/rot/1");
        await LinesAsync(path, 1);
        File.Move(path, path + ".1");

        await GetAsync("/rot/2");
        var lines = await LinesAsync(path, 1);
        Assert.Equal("/rot/2", JsonNode.Parse(lines[0])!["request"]!["uri"]!.GetValue<string>());
        Assert.Single(await File.ReadAllLinesAsync(path + ".1"));
    }

    private async Task GetAsync(string path)
    {
        using var response = await _node.Proxy.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string[]> LinesAsync(string path, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            if (File.Exists(path))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var lines = (await new StreamReader(stream).ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (lines.Length >= count)
                {
                    return lines;
                }
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{path} did not get {count} lines");
    }

    private async Task RouteWithLogAsync(string name, string path, bool reopen)
    {
        var route = await _node.RouteAsync($$"""{"name":"{{name}}","host":"127.0.0.1","port":{{_backend.Port}}}""", $$"""{"paths":["/{{name}}"]}""");
        await _node.CreateAsync("/plugins", new JsonObject
        {
            ["name"] = "file-log",
            ["route"] = new JsonObject { ["id"] = route },
            ["config"] = new JsonObject { ["path"] = path, ["reopen"] = reopen },
        }.ToJsonString());
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins.Syslog;

/// <summary>
/// syslog against a real Unix datagram socket the test binds, standing in for the local syslog daemon's
/// <c>/dev/log</c> (the node's <c>syslog_socket</c> setting points there); Kong's spec/03-plugins/14-syslog.
/// </summary>
public sealed class SyslogTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("syslog-test-").FullName;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private Backend _backend = null!;
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_directory, "log");
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _backend = await Backend.StartAsync();
        _node = await TestNode.StartAsync("--syslog_socket", path);
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _backend.DisposeAsync();
        _socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Request_IsASyslogMessage_WithTheFacilityAndSeverity()
    {
        var route = await RouteWithSyslogAsync("sys", """{"facility":"local0","successful_severity":"notice"}""");
        await GetAsync("/sys/a", HttpStatusCode.OK);

        // local0 (16) * 8 + notice (5) = 133; syslog(3)'s "Mmm dd hh:mm:ss ident[pid]: " before the record.
        var message = await NextAsync();
        var match = Regex.Match(message, @"^<133>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d kong\[\d+\]: (\{.*\})$");
        Assert.True(match.Success, message);
        var log = JsonNode.Parse(match.Groups[1].Value)!;
        Assert.Equal("GET", log["request"]!["method"]!.GetValue<string>());
        Assert.Equal(200, log["response"]!["status"]!.GetValue<int>());
        Assert.Equal(route, log["route"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task SeverityBelowLogLevel_IsNotLogged()
    {
        // log_level warning: a success (info) is not logged, a client error (err) is, with facility user (1).
        await RouteWithSyslogAsync("lvl", """{"log_level":"warning","client_errors_severity":"err"}""");
        await GetAsync("/lvl/ok", HttpStatusCode.OK);
        await GetAsync("/lvl/status/404", HttpStatusCode.NotFound);

        var message = await NextAsync();
        Assert.StartsWith("<11>", message);
        Assert.Equal(404, JsonNode.Parse(message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..])!["response"]!["status"]!.GetValue<int>());
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await _socket.ReceiveAsync(new byte[65536], SocketFlags.None, quiet.Token));
    }

    private async Task<string> NextAsync()
    {
        var buffer = new byte[65536];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private async Task GetAsync(string path, HttpStatusCode expected)
    {
        using var response = await _node.Proxy.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<string> RouteWithSyslogAsync(string name, string config)
    {
        var route = await _node.RouteAsync($$"""{"name":"{{name}}","host":"127.0.0.1","port":{{_backend.Port}}}""", $$"""{"paths":["/{{name}}"]}""");
        await _node.CreateAsync("/plugins", $$"""{"name":"syslog","route":{"id":"{{route}}"},"config":{{config}}}""");
        return route;
    }
}

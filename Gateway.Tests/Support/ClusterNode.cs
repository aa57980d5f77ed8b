using System.Text;
using System.Text.Json.Nodes;
using Gateway.Storage.Postgres;

namespace Gateway.Tests.Support;

/// <summary>
/// One gateway node process of a multi-node test: its own prefix and loopback ports (kept across a
/// restart, as a real node's would be), a shared PostgreSQL store and a shared membership.
/// </summary>
public sealed class ClusterNode : IDisposable
{
    private readonly List<string> _settings;
    private readonly NamespacedHost? _host;
    private List<string> _arguments = [];
    private NodeProcess? _process;

    private ClusterNode(string name, string prefix, List<string> settings, NamespacedHost? host)
    {
        Name = name;
        Prefix = prefix;
        _settings = settings;
        _host = host;
        TakePorts();
    }

    /// <summary>"A", "B", ... for messages.</summary>
    public string Name { get; }

    /// <summary>The node's prefix folder (deleted on dispose).</summary>
    public string Prefix { get; }

    /// <summary>A client for the node's Admin API.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client for the node's status API.</summary>
    public HttpClient Status { get; private set; } = null!;

    /// <summary>A client of the node's plain-HTTP proxy listener (no redirects followed, no cookies kept).</summary>
    public HttpClient Proxy { get; private set; } = null!;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process is { Process.HasExited: true } ended ? ended.Process.ExitCode : null;

    /// <summary>What the process wrote to stderr so far.</summary>
    public string Log => _process is null ? "" : string.Join('\n', _process.Stderr);

    /// <summary>What the process wrote to stdout (its log) so far.</summary>
    public IReadOnlyList<string> Output => _process?.Stdout ?? [];

    /// <summary>
    /// Starts a node on <paramref name="postgres"/> with <paramref name="membership"/> (postgres or redis) membership in
    /// cluster <paramref name="clusterId"/>, and waits until its status API answers. The poll is set to
    /// <paramref name="pollSeconds"/>, so a test can tell a push from a poll.
    /// </summary>
    public static Task<ClusterNode> StartAsync(
        string name, PostgresSettings postgres, string membership, string clusterId, int pollSeconds = 60, params string[] extra) =>
        StartAsync(name, null, postgres, membership, clusterId, pollSeconds, extra);

    /// <summary>
    /// Starts a node as <see cref="StartAsync(string, PostgresSettings, string, string, int, string[])"/> does, in
    /// <paramref name="host"/>'s network namespace: its listeners on the host's client address, its silo on the
    /// host's cluster address.
    /// </summary>
    public static Task<ClusterNode> StartInAsync(
        NamespacedHost host, string name, PostgresSettings postgres, string membership, string clusterId, int pollSeconds = 60, params string[] extra) =>
        StartAsync(name, host, postgres, membership, clusterId, pollSeconds, extra);

    /// <summary>
    /// Starts the process of a node as <see cref="StartAsync(string, PostgresSettings, string, string, int, string[])"/>
    /// does, without waiting for its status API: for a node that is expected never to join.
    /// </summary>
    public static ClusterNode Launch(string name, PostgresSettings postgres, string membership, string clusterId, params string[] extra)
    {
        var node = Create(name, null, postgres, membership, clusterId, 60, extra);
        _ = node.Launch();
        return node;
    }

    private static async Task<ClusterNode> StartAsync(
        string name, NamespacedHost? host, PostgresSettings postgres, string membership, string clusterId, int pollSeconds, string[] extra)
    {
        var node = Create(name, host, postgres, membership, clusterId, pollSeconds, extra);
        await node.StartAsync();
        return node;
    }

    private static ClusterNode Create(
        string name, NamespacedHost? host, PostgresSettings postgres, string membership, string clusterId, int pollSeconds, string[] extra)
    {
        var prefix = Directory.CreateTempSubdirectory($"gateway-cluster-{name}-").FullName;
        List<string> settings =
        [
            "--database", "postgres",
            "--pg_host", postgres.Host,
            "--pg_port", postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--pg_user", postgres.User,
            "--pg_database", postgres.Database,
            "--cluster_membership", membership,
            "--redis_host", Environment.GetEnvironmentVariable("TEST_REDIS_HOST") ?? "127.0.0.1",
            "--redis_port", Environment.GetEnvironmentVariable("TEST_REDIS_PORT") ?? "6379",
            "--cluster_id", clusterId,
            "--service_id", clusterId,
            "--db_update_frequency", pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. extra,
        ];
        return new ClusterNode(name, prefix, settings, host);
    }

    /// <summary>
    /// (Re)starts the process with the same prefix and ports and waits for its status API. When a port
    /// was taken meanwhile (the ports come from the ephemeral range, which outgoing connections use
    /// too), it moves to fresh ports, as an operator would.
    /// </summary>
    public async Task StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartOnceAsync();
                return;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
                TakePorts();
            }
        }
    }

    private void TakePorts()
    {
        int admin = FreePorts.Next(), status = FreePorts.Next(), proxy = FreePorts.Next();
        var address = _host?.ClientAddress ?? "127.0.0.1";
        _arguments =
        [
            .. TestNode.Arguments(
                Prefix, admin, proxy, status, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), address, _host?.ClusterAddress ?? "127.0.0.1"),
            .. _settings,
        ];
        Admin?.Dispose();
        Status?.Dispose();
        Proxy?.Dispose();
        Proxy = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://{address}:{proxy}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Admin = new HttpClient { BaseAddress = new Uri($"http://{address}:{admin}"), Timeout = TimeSpan.FromSeconds(10) };
        Status = new HttpClient { BaseAddress = new Uri($"http://{address}:{status}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    private async Task StartOnceAsync()
    {
        var process = Launch();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.Process.HasExited)
            {
                throw new InvalidOperationException($"node {Name} exited with {process.Process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await Status.GetAsync("/status");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"node {Name} did not answer /status within 60 s: {Log}");
    }

    private NodeProcess Launch()
    {
        _process?.Dispose();
        _process = NodeProcess.Start(_arguments, netns: _host?.Namespace);
        return _process;
    }

    /// <summary>Kills the process at once (SIGKILL): no goodbye to the cluster.</summary>
    public void Kill()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Sends a request with an optional JSON body; returns the status and the parsed body.</summary>
    public async Task<(int Status, JsonNode? Body)> CallAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>The node's <c>/status</c> on status_listen.</summary>
    public async Task<JsonObject> StatusAsync() => JsonNode.Parse(await Status.GetStringAsync("/status"))!.AsObject();

    /// <summary>How many silos this node's membership view has as active.</summary>
    public async Task<int> ActiveMembersAsync() => (await StatusAsync())["cluster"]!["active"]!.GetValue<int>();

    /// <summary>Kills the process and deletes the prefix.</summary>
    public void Dispose()
    {
        Kill();
        Admin.Dispose();
        Status.Dispose();
        Proxy.Dispose();
        try
        {
            Directory.Delete(Prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

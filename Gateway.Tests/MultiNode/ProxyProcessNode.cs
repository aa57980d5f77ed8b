using System.Globalization;
using Gateway.Storage.Postgres;
using Gateway.Tests.Support;

namespace Gateway.Tests.MultiNode;

/// <summary>
/// One gateway node process in a PostgreSQL-membership cluster with its proxy port exposed (the
/// cluster tests' ClusterNode keeps only Admin and status clients).
/// </summary>
public sealed class ProxyProcessNode : IDisposable
{
    private readonly NodeProcess _process;

    private ProxyProcessNode(string name, string prefix, NodeProcess process, int adminPort, int proxyPort, int statusPort)
    {
        Name = name;
        Prefix = prefix;
        _process = process;
        Admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(10) };
        Proxy = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{proxyPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Status = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statusPort}"), Timeout = TimeSpan.FromSeconds(10) };
        ProxyPort = proxyPort;
    }

    /// <summary>"A", "B", "C".</summary>
    public string Name { get; }

    /// <summary>The prefix folder, deleted on dispose.</summary>
    public string Prefix { get; }

    /// <summary>The Admin API.</summary>
    public HttpClient Admin { get; }

    /// <summary>The proxy (plain HTTP/1.1).</summary>
    public HttpClient Proxy { get; }

    /// <summary>The status API.</summary>
    public HttpClient Status { get; }

    /// <summary>The proxy port.</summary>
    public int ProxyPort { get; }

    /// <summary>What the process wrote to stderr.</summary>
    public string Log => string.Join('\n', _process.Stderr);

    /// <summary>Starts a node on <paramref name="postgres"/> with PostgreSQL membership and waits for its status API.</summary>
    public static async Task<ProxyProcessNode> StartAsync(string name, PostgresSettings postgres, string clusterId)
    {
        var prefix = Directory.CreateTempSubdirectory($"gateway-rl-{name}-").FullName;
        int admin = FreePorts.Next(), proxy = FreePorts.Next(), status = FreePorts.Next();
        List<string> arguments =
        [
            .. TestNode.Arguments(prefix, admin, proxy, status, FreePorts.Next(), FreePorts.Next(), FreePorts.Next()),
            "--database", "postgres",
            "--pg_host", postgres.Host,
            "--pg_port", postgres.Port.ToString(CultureInfo.InvariantCulture),
            "--pg_user", postgres.User,
            "--pg_database", postgres.Database,
            "--cluster_membership", "postgres",
            "--cluster_id", clusterId,
            "--service_id", clusterId,
        ];
        var node = new ProxyProcessNode(name, prefix, NodeProcess.Start(arguments), admin, proxy, status);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (node._process.Process.HasExited)
            {
                throw new InvalidOperationException($"node {name} exited: {node.Log}");
            }

            try
            {
                using var response = await node.Status.GetAsync("/status");
                if (response.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        node.Dispose();
        throw new TimeoutException($"node {name} did not answer /status within 60 s");
    }

    /// <summary>How many silos this node sees as active.</summary>
    public async Task<int> ActiveMembersAsync() =>
        System.Text.Json.Nodes.JsonNode.Parse(await Status.GetStringAsync("/status"))!["cluster"]!["active"]!.GetValue<int>();

    /// <summary>Kills the process and deletes the prefix.</summary>
    public void Dispose()
    {
        _process.Dispose();
        Admin.Dispose();
        Proxy.Dispose();
        Status.Dispose();
        try
        {
            Directory.Delete(Prefix, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

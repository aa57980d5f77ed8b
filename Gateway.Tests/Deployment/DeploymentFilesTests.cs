using System.Text.RegularExpressions;
using Gateway.Node.Settings;
using Gateway.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Deployment;

/// <summary>
/// The container files (infra/Dockerfile, docker-compose.cassandra.yml, infra/k8s/) cannot run here (no
/// container engine), so their contract is checked instead: every setting they pass is one the
/// gateway accepts, with the values the set-up needs, and the ports and probes are where they should be.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = RepositoryFiles.Root;

    [Fact]
    public void Compose_GatewayServices_RunOnCassandra_WithSettingsTheGatewayAccepts()
    {
        var compose = LoadYaml("docker-compose.cassandra.yml").Single();
        var environment = Strings((YamlMappingNode)compose["x-gateway"]["environment"]);
        var services = (YamlMappingNode)compose["services"];

        var settings = Load(["start"], environment);
        Assert.Equal(DatabaseKind.Cassandra, settings.Database);
        Assert.Equal(Gateway.Cluster.Membership.ClusterMembershipKind.Cassandra, settings.ClusterMembership);
        Assert.Equal(["cassandra"], settings.CassandraContactPoints);

        var migrations = Sequence(services["migrations"]["command"]);
        Assert.Equal(GatewayCommand.Migrations, CommandLine.Parse(migrations).Command);
        Load(migrations, environment);

        Assert.Equal(["8000:8000", "8443:8443", "8001:8001", "8002:8002"], Sequence(services["gateway-1"]["ports"]));
        Assert.Contains("healthcheck", ((YamlMappingNode)services["cassandra"]).Children.Keys.Select(k => k.ToString()));
        Assert.Equal(["cassandra", "redis", "migrations", "gateway-1", "gateway-2", "gateway-3", "setup", "prometheus", "grafana"], services.Children.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void Compose_Prometheus_ScrapesEveryNodesStatusListener_AndGrafana_ProvisionsTheDashboardOnIt()
    {
        var compose = LoadYaml("docker-compose.cassandra.yml").Single();
        var services = (YamlMappingNode)compose["services"];
        var gateways = services.Children.Keys.Select(k => k.ToString()).Where(k => k.StartsWith("gateway-", StringComparison.Ordinal)).ToList();
        var statusPort = Load(["start"], DockerfileEnvironment()).StatusListen.Single().Port;

        var prometheus = LoadYaml(Path.Combine("infra", "prometheus", "prometheus.yml")).Single();
        var job = (YamlMappingNode)((YamlSequenceNode)prometheus["scrape_configs"]).Children.Single();
        Assert.Equal("/metrics", job["metrics_path"].ToString());
        Assert.Equal(gateways.Select(g => $"{g}:{statusPort}"), Sequence(((YamlSequenceNode)job["static_configs"]).Children.Single()["targets"]));
        Assert.Contains("./infra/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", Sequence(services["prometheus"]["volumes"]));

        // Grafana mounts files that exist, and the data source its dashboard is provisioned against is the compose's Prometheus.
        var mounts = Sequence(services["grafana"]["volumes"]).Select(v => v.Split(':')).ToList();
        Assert.All(mounts, m => Assert.True(Path.Exists(Path.Combine(Root, m[0])), m[0]));
        var datasource = LoadYaml(Path.Combine("infra", "grafana", "provisioning", "datasources", "prometheus.yml")).Single()["datasources"][0];
        Assert.Equal("http://prometheus:9090", datasource["url"].ToString());
        var provider = LoadYaml(Path.Combine("infra", "grafana", "provisioning", "dashboards", "gateway.yml")).Single()["providers"][0];
        Assert.Contains(mounts, m => m[0] == "./infra/grafana/gateway-dashboard.json" && m[1].StartsWith(provider["options"]["path"].ToString() + "/", StringComparison.Ordinal));

        // The set-up posts a global prometheus plugin with every metric on, to the Admin API the image listens on.
        var setup = string.Join(' ', Sequence(services["setup"]["command"]));
        var body = System.Text.Json.Nodes.JsonNode.Parse(Regex.Match(setup, "-d '(?<json>[^']+)'").Groups["json"].Value)!;
        Assert.Equal("prometheus", body["name"]!.GetValue<string>());
        Assert.All(body["config"]!.AsObject(), field => Assert.True(field.Value!.GetValue<bool>(), field.Key));
        Assert.Contains($"http://gateway-1:{Load(["start"], DockerfileEnvironment()).AdminListen.Single().Port}/plugins", setup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gateway-postgres.yaml", DatabaseKind.Postgres)]
    [InlineData("gateway-cassandra.yaml", DatabaseKind.Cassandra)]
    public void Kubernetes_Deployment_HasTheFivePortsAndStatusProbes_AndSettingsTheGatewayAccepts(string file, DatabaseKind database)
    {
        var documents = LoadYaml(Path.Combine("infra", "k8s", file)).ToList();
        var configMap = documents.Single(d => Kind(d) == "ConfigMap");
        var environment = Strings((YamlMappingNode)configMap["data"]);
        environment.Add("GATEWAY_PG_PASSWORD", "from-the-secret");
        environment.Add("GATEWAY_STATUS_LISTEN", "0.0.0.0:8007");

        var deployment = documents.Single(d => Kind(d) == "Deployment");
        var container = (YamlMappingNode)((YamlSequenceNode)deployment["spec"]["template"]["spec"]["containers"]).Children.Single();
        var settings = Load(Sequence(container["args"]), environment);
        Assert.Equal(database, settings.Database);

        var ports = ((YamlSequenceNode)container["ports"]).Children.Select(p => int.Parse(p["containerPort"].ToString())).ToList();
        Assert.Subset(new HashSet<int>(ports), new HashSet<int> { 8000, 8443, 8001, 8002, 7946 });
        Assert.Contains(settings.ClusterListen.Port, ports);
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            Assert.Equal("/status", container[probe]["httpGet"]["path"].ToString());
            Assert.Equal("status", container[probe]["httpGet"]["port"].ToString());
        }

        var statusPort = ((YamlSequenceNode)container["ports"]).Children.Single(p => p["name"].ToString() == "status")["containerPort"].ToString();
        Assert.Equal(int.Parse(statusPort), settings.StatusListen.Single().Port);

        var job = documents.Single(d => Kind(d) == "Job");
        var migrations = Sequence(((YamlSequenceNode)job["spec"]["template"]["spec"]["containers"]).Children.Single()["args"]);
        Assert.Equal(GatewayCommand.Migrations, CommandLine.Parse(migrations).Command);
    }

    [Fact]
    public void Dockerfile_Environment_IsAccepted_AndListensBeyondLoopback()
    {
        var settings = Load(["start"], DockerfileEnvironment());
        Assert.Equal("/var/lib/gateway", settings.Prefix);
        Assert.Equal("0.0.0.0", settings.AdminListen.Single().Host);
        Assert.Equal("0.0.0.0", settings.StatusListen.Single().Host);
    }

    private static Dictionary<string, string> DockerfileEnvironment()
    {
        var environment = new Dictionary<string, string>();
        foreach (Match setting in DockerEnv().Matches(File.ReadAllText(Path.Combine(Root, "infra", "Dockerfile"))))
        {
            environment[setting.Groups["name"].Value] = setting.Groups["value"].Value;
        }

        return environment;
    }

    private static GatewaySettings Load(IReadOnlyList<string> args, IDictionary<string, string> environment) =>
        SettingsLoader.Load(CommandLine.Parse(args), environment);

    private static IEnumerable<YamlNode> LoadYaml(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, relativePath));
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode);
    }

    private static string Kind(YamlNode document) => document["kind"].ToString();

    private static Dictionary<string, string> Strings(YamlMappingNode mapping) =>
        mapping.Children.ToDictionary(p => p.Key.ToString(), p => p.Value.ToString());

    private static List<string> Sequence(YamlNode node) => [.. ((YamlSequenceNode)node).Children.Select(c => c.ToString())];

    [GeneratedRegex(@"(?<name>GATEWAY_[A-Z_]+)=(?<value>\S+)")]
    private static partial Regex DockerEnv();
}

using System.Text.Json.Nodes;
using Gateway.Node.Pipeline;
using Gateway.Node.Plugins.Acl;
using Gateway.Node.Plugins.Cors;
using Gateway.Plugins.Sdk;
using Gateway.Schema;
using Gateway.Storage.Entities;
using Gateway.Storage.Entities.Rbac;
using Gateway.Storage.Snapshot;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>Compiling plugin rows into per-route chains (no node needed).</summary>
public sealed class PluginChainsTests
{
    private const string Service = "11111111-1111-1111-1111-111111111111";
    private const string Route = "22222222-2222-2222-2222-222222222222";
    private const string Bare = "33333333-3333-3333-3333-333333333333";
    private const string Consumer = "44444444-4444-4444-4444-444444444444";

    [Fact]
    public void Build_RouteNoPluginConcerns_GetsTheSharedEmptyChain()
    {
        var chains = Build(Plugin("p1", "request-termination", route: Route));
        Assert.Same(RoutePlugins.None, chains.ForRoute(Bare));
        Assert.Single(chains.ForRoute(Route).Steps);
        Assert.True(chains.Globals.IsEmpty);
        Assert.Empty(chains.Rewrite);
    }

    [Fact]
    public void Build_DisabledRows_AreLeftOut()
    {
        var chains = Build(Plugin("p1", "request-termination", route: Route, enabled: false));
        Assert.Same(RoutePlugins.None, chains.ForRoute(Route));
        Assert.Same(PluginChains.Empty, chains);
    }

    [Fact]
    public void Build_OrdersByPriority_HighestFirst()
    {
        var chains = Build(
            Plugin("p1", "request-termination"),
            Plugin("p2", "correlation-id"),
            Plugin("p3", "cors", service: Service),
            Plugin("p4", "ip-restriction", route: Route, config: """{"deny":["10.0.0.1"]}"""));
        Assert.Equal(
            ["correlation-id", "cors", "ip-restriction", "request-termination"],
            chains.ForRoute(Route).Steps.Select(s => s.Plugin.Name));
        Assert.Equal(["correlation-id", "request-termination"], chains.ForRoute(Bare).Steps.Select(s => s.Plugin.Name));
    }

    [Fact]
    public void Build_ConsumerRows_ResolvePerConsumer()
    {
        var chains = Build(
            Plugin("global", "request-termination"),
            Plugin("route", "request-termination", route: Route),
            Plugin("consumer", "request-termination", consumer: Consumer));
        var step = Assert.Single(chains.ForRoute(Route).Steps);
        Assert.Equal("route", step.For(null)!.Instance.Id);
        Assert.Equal("consumer", step.For(Consumer)!.Instance.Id);
        Assert.Equal("route", step.For("someone-else")!.Instance.Id);
        Assert.Equal("global", Assert.Single(chains.ForRoute(Bare).Steps).For(null)!.Instance.Id);
    }

    [Fact]
    public void Build_ConsumerOnlyRows_GiveNoFixedConfig()
    {
        var chains = Build(Plugin("consumer", "request-termination", consumer: Consumer));
        var step = Assert.Single(chains.ForRoute(Route).Steps);
        Assert.Null(step.For(null));
        Assert.Equal("consumer", step.For(Consumer)!.Instance.Id);
        Assert.Null(step.ByConsumer!.GetValueOrDefault("someone-else"));
    }

    [Fact]
    public void Build_InstanceNameAndScope_ReachThePlugin()
    {
        var chains = Build(Plugin("p1", "request-termination", route: Route, service: Service, instanceName: "maintenance"));
        var instance = Assert.Single(chains.ForRoute(Route).Steps).Fixed!.Instance;
        Assert.Equal(new Gateway.Plugins.Sdk.PluginInstance("p1", "request-termination", "maintenance", Route, Service, null), instance);
    }

    [Fact]
    public void Build_ConfigThePluginCannotRead_Throws_NamingThePlugin()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(Plugin("p1", "request-termination", config: """{"status_code":"not a number"}""")));
        Assert.StartsWith("plugin 'request-termination' (p1): cannot use its config: ", error.Message);
    }

    [Fact]
    public void Catalog_DuplicateNames_AreRefused()
    {
        var services = new Gateway.Plugins.Sdk.PluginServices();
        var error = Assert.Throws<InvalidOperationException>(() => new PluginCatalog(
            [new Gateway.Node.Plugins.Cors.CorsPlugin()], [new Gateway.Node.Plugins.Cors.CorsPlugin()], services));
        Assert.Equal("plugin 'cors' is defined twice", error.Message);
    }

    [Fact]
    public void Catalog_Registry_HasThePluginsEntitiesAfterTheCoreAndRbacOnes()
    {
        var registry = PluginCatalog.Bundled.CreateRegistry();
        var builtIn = CoreEntities.All.Count + RbacEntities.All.Count;
        Assert.Equal(CoreEntities.All.Concat(RbacEntities.All).Select(e => e.Name), registry.Entities.Take(builtIn).Select(e => e.Name));
        Assert.Equal(
            ["jwt_secrets", "acls", "oauth2_credentials", "oauth2_authorization_codes", "oauth2_tokens", "keyauth_credentials", "hmacauth_credentials", "basicauth_credentials", "sessions"],
            registry.Entities.Skip(builtIn).Select(e => e.Name));
    }

    [Fact]
    public void Catalog_Enabled_ExpandsBundledAndAssemblies_InTheOrderWritten()
    {
        var catalog = new PluginCatalog([new CorsPlugin(), new AclPlugin()], [new TokenAuthPlugin()], new PluginServices());
        Assert.Equal(["cors", "acl", "test-token-auth", "other"], catalog.Enabled(["bundled", "Gateway.Tests", "cors", "other"]));
        Assert.Equal(["other", "cors", "acl"], catalog.Enabled(["other", "bundled"]));
    }

    [Fact]
    public void Catalog_OwnedEntityTakingAnotherOnesName_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PluginCatalog([new AclPlugin()], [new Owning("acls", "consumers")], new PluginServices()));
        Assert.Equal("plugin 'test-owning': entity 'acls' (at /acls) is defined twice", error.Message);
    }

    [Fact]
    public void Catalog_OwnedEntityReferencingAnUnknownEntity_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PluginCatalog([], [new Owning("test_things", "gadgets")], new PluginServices()));
        Assert.Equal("plugin 'test-owning': entity 'test_things' references unknown entity 'gadgets'", error.Message);
    }

    [Fact]
    public void Catalog_EveryBundledHandler_UsesItsSchemasName()
    {
        var catalog = PluginCatalog.Bundled;
        foreach (var schema in PluginCatalog.Bundled.Schemas)
        {
            if (catalog.Find(schema.Name) is { } plugin)
            {
                Assert.Same(schema, plugin.Schema);
                Assert.Equal(schema.Priority, plugin.Priority);
            }
        }
    }

    private static PluginChains Build(params JsonObject[] plugins)
    {
        var rows = new Dictionary<string, IReadOnlyList<JsonObject>>
        {
            ["services"] = [new JsonObject { ["id"] = Service }],
            ["routes"] =
            [
                new JsonObject { ["id"] = Route, ["service"] = new JsonObject { ["id"] = Service } },
                new JsonObject { ["id"] = Bare, ["service"] = null },
            ],
            ["plugins"] = plugins,
        };
        return PluginChains.Build(new ConfigData(1, rows), PluginCatalog.Bundled);
    }

    private static JsonObject Plugin(string id, string name, string? route = null, string? service = null, string? consumer = null, bool enabled = true, string config = "{}", string? instanceName = null) => new()
    {
        ["id"] = id,
        ["name"] = name,
        ["instance_name"] = instanceName,
        ["route"] = route is null ? null : new JsonObject { ["id"] = route },
        ["service"] = service is null ? null : new JsonObject { ["id"] = service },
        ["consumer"] = consumer is null ? null : new JsonObject { ["id"] = consumer },
        ["enabled"] = enabled,
        ["config"] = JsonNode.Parse(config),
    };

    /// <summary>A plugin owning one entity with one foreign field (private: the node never loads it).</summary>
    private sealed class Owning(string entity, string reference) : GatewayPlugin<object>
    {
        public override PluginSchema Schema { get; } = new("test-owning", 1, new Field("config", FieldType.Record) { Fields = [] });

        public override IReadOnlyList<EntitySchema> Entities { get; } =
            [new EntitySchema(entity, [Typedefs.Id(), Typedefs.Foreign("owner", reference)])];
    }
}

using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Entities;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class PluginsTests
{
    private const string Id = "123e4567-e89b-12d3-a456-426655440000";

    private static readonly SchemaRegistry WithPlugins = new(
        CoreEntities.All,
        [
            new PluginSchema("key-auth", 1250, Typedefs.Record("config",
                Typedefs.StringArray("key_names", "apikey"),
                Typedefs.Boolean("hide_credentials", false))),
            new PluginSchema("cors", 2000, Typedefs.Record("config")) { NoConsumer = true },
        ]);

    [Fact]
    public void Insert_Empty_NeedsAName()
    {
        var (fields, message) = Invalid("plugins", "{}");

        Assert.Equal("""{"name":"required field missing"}""", fields);
        Assert.Equal("schema violation (name: required field missing)", message);
    }

    [Fact]
    public void Insert_UnknownPlugin_IsNotEnabled()
    {
        var (fields, _) = Invalid("plugins", """{"name":"foo"}""");

        Assert.Equal("""{"name":"plugin 'foo' not enabled; add it to the 'plugins' configuration property"}""", fields);
    }

    [Fact]
    public void Insert_KnownPlugin_FillsConfigAndDefaults()
    {
        var (plugin, errors) = Insert("plugins", """{"name":"key-auth","service":{"id":"123e4567-e89b-12d3-a456-426655440000"}}""", WithPlugins);

        Assert.True(errors.IsEmpty, errors.IsEmpty ? null : errors.ToMessage());
        Assert.Equal("""{"key_names":["apikey"],"hide_credentials":false}""", plugin!["config"]!.ToJsonString());
        Assert.True((bool)plugin["enabled"]!);
        Assert.Null(plugin["route"]);
        Assert.Null(plugin["consumer"]);
        Assert.Null(plugin["instance_name"]);
        Assert.Equal("""["grpc","grpcs","http","https"]""", plugin["protocols"]!.ToJsonString());
        Assert.Equal(Id, (string?)plugin["service"]!["id"]);
    }

    [Fact]
    public void Insert_BadConfig_IsNested()
    {
        var (plugin, errors) = Insert("plugins", """{"name":"key-auth","config":{"hide_credentials":"no","nope":1}}""", WithPlugins);

        Assert.Null(plugin);
        Assert.Equal("""{"config":{"hide_credentials":"expected a boolean","nope":"unknown field"}}""", errors.ToJson().Relaxed());
        Assert.Equal("2 schema violations (config.hide_credentials: expected a boolean; config.nope: unknown field)", errors.ToMessage());
    }

    [Fact]
    public void Insert_BadArrayElementInConfig_IsReadableInTheMessage()
    {
        var registry = new SchemaRegistry(CoreEntities.All, PluginCatalog.Bundled.Schemas);
        var (plugin, errors) = Insert("plugins", """{"name":"cors","config":{"origins":["~("]}}""", registry);

        Assert.Null(plugin);

        // Kong pretty-prints a nested table here; its quotes and apostrophes are not escaped.
        Assert.Equal("""schema violation (config.origins: ["'~(' is not a valid regex"])""", errors.ToMessage());
    }

    [Fact]
    public void Insert_ForbiddenScope_MustBeNull()
    {
        var (plugin, errors) = Insert("plugins", """{"name":"cors","consumer":{"id":"123e4567-e89b-12d3-a456-426655440000"}}""", WithPlugins);

        Assert.Null(plugin);
        Assert.Equal("""{"consumer":"value must be null"}""", errors.ToJson().Relaxed());

        var (scoped, scopedErrors) = Insert("plugins", """{"name":"cors","route":{"id":"123e4567-e89b-12d3-a456-426655440000"}}""", WithPlugins);
        Assert.True(scopedErrors.IsEmpty);
        Assert.NotNull(scoped);
    }

    [Fact]
    public void Protocols_AreThePluginsOwn()
    {
        // key-auth declares typedefs.protocols_http, file-log typedefs.protocols (every protocol).
        var (_, errors) = Insert("plugins", """{"name":"key-auth","protocols":["http","tcp"]}""", WithPlugins);
        Assert.Equal("""{"protocols":[null,"expected one of: grpc, grpcs, http, https"]}""", errors.ToJson().Relaxed());

        var bundled = new SchemaRegistry(CoreEntities.All, PluginCatalog.Bundled.Schemas);
        var (_, fileLog) = Insert("plugins", """{"name":"file-log","config":{"path":"/tmp/x.log"},"protocols":["http","gopher"]}""", bundled);
        Assert.Equal("""{"protocols":[null,"expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss"]}""", fileLog.ToJson().Relaxed());
        var (tcp, _) = Insert("plugins", """{"name":"file-log","config":{"path":"/tmp/x.log"},"protocols":["tcp"]}""", bundled);
        Assert.NotNull(tcp);
    }

    [Fact]
    public void Protocols_Empty_IsRefused()
    {
        var (_, errors) = Insert("plugins", """{"name":"key-auth","protocols":[]}""", WithPlugins);

        Assert.Equal("""{"protocols":"length must be at least 1"}""", errors.ToJson().Relaxed());
    }

    [Fact]
    public void InstanceName_IsAUtf8Name()
    {
        var (_, errors) = Insert("plugins", """{"name":"key-auth","instance_name":"my plugin"}""", WithPlugins);

        Assert.Equal(
            """{"instance_name":"invalid value 'my plugin': the only accepted ascii characters are alphanumerics or ., -, _, and ~"}""",
            errors.ToJson().Relaxed());
    }
}

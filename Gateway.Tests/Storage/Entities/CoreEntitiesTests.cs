using Gateway.Schema;
using Gateway.Storage.Entities;

namespace Gateway.Tests.Storage.Entities;

public class CoreEntitiesTests
{
    [Fact]
    public void All_ListsParentsBeforeChildren_InKongsOrder()
    {
        Assert.Equal(
            ["services", "routes", "consumers", "plugins", "upstreams", "targets", "certificates", "snis", "ca_certificates", "vaults", "key_sets", "keys"],
            CoreEntities.All.Select(s => s.Name));
    }

    [Fact]
    public void EveryForeignKey_PointsAtAnEarlierEntity()
    {
        var seen = new HashSet<string>();
        foreach (var schema in CoreEntities.All)
        {
            foreach (var foreign in schema.ForeignFields)
            {
                // Services and upstreams point at certificates for client_certificate, which Kong also lists later.
                if (foreign.Reference != "certificates")
                {
                    Assert.Contains(foreign.Reference!, seen);
                }
            }

            seen.Add(schema.Name);
        }
    }

    [Theory]
    [InlineData("services", "name")]
    [InlineData("routes", "name")]
    [InlineData("consumers", "username")]
    [InlineData("plugins", "instance_name")]
    [InlineData("upstreams", "name")]
    [InlineData("targets", "target")]
    [InlineData("certificates", null)]
    [InlineData("snis", "name")]
    [InlineData("ca_certificates", null)]
    public void EndpointKeys_AreKongs(string entity, string? key)
    {
        Assert.Equal(key, EntityValidation.Registry.Get(entity).EndpointKey);
    }

    [Fact]
    public void EveryEntity_HasIdTimestampsAndTags()
    {
        foreach (var schema in CoreEntities.All)
        {
            Assert.True(schema["id"] is { Uuid: true, Auto: true }, schema.Name);
            Assert.True(schema["created_at"] is { Timestamp: true, Auto: true }, schema.Name);
            Assert.True(schema["updated_at"] is { Timestamp: true, Auto: true }, schema.Name);
            Assert.Equal(FieldType.Set, schema["tags"]?.Type);
        }
    }

    [Fact]
    public void Targets_UseMillisecondTimestamps_AndAreNotTopLevel()
    {
        var targets = EntityValidation.Registry.Get("targets");
        Assert.True(targets["created_at"]!.Milliseconds);
        Assert.True(targets["updated_at"]!.Milliseconds);
        Assert.False(targets.TopLevel);
    }

    [Fact]
    public void Plugins_CascadeFromTheirScopes_AndSelectConfigByName()
    {
        var plugins = EntityValidation.Registry.Get("plugins");
        Assert.All(plugins.ForeignFields, f => Assert.Equal(OnDelete.Cascade, f.OnDelete));
        Assert.Equal(["route", "service", "consumer"], plugins.ForeignFields.Select(f => f.Name));
        Assert.Equal(["name", "route", "service", "consumer"], plugins.CacheKey);
        Assert.Equal("name", plugins.SubschemaKey);
        Assert.Equal("config", plugins.SubschemaField);
    }

    [Fact]
    public void OnDelete_MatchesKong()
    {
        var registry = EntityValidation.Registry;
        Assert.Equal(OnDelete.Restrict, registry.Get("routes")["service"]!.OnDelete);
        Assert.Equal(OnDelete.Cascade, registry.Get("targets")["upstream"]!.OnDelete);
        Assert.Equal(OnDelete.Restrict, registry.Get("snis")["certificate"]!.OnDelete);
    }

    [Fact]
    public void UniqueFields_AreKongs()
    {
        var registry = EntityValidation.Registry;
        Assert.Equal(["name"], registry.Get("services").UniqueFields.Select(f => f.Name));
        Assert.Equal(["username", "custom_id"], registry.Get("consumers").UniqueFields.Select(f => f.Name));
        Assert.Equal(["instance_name"], registry.Get("plugins").UniqueFields.Select(f => f.Name));
        Assert.Equal(["name"], registry.Get("upstreams").UniqueFields.Select(f => f.Name));
        Assert.Equal(["name"], registry.Get("snis").UniqueFields.Select(f => f.Name));
        Assert.Equal(["cert_digest"], registry.Get("ca_certificates").UniqueFields.Select(f => f.Name));
    }
}

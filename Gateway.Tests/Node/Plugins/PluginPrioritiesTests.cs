using Gateway.Node.Pipeline;

namespace Gateway.Tests.Node.Plugins;

/// <summary>As Kong's spec/01-unit/12-plugins_order_spec.lua: pinned PRIORITY values, no duplicates.</summary>
public class PluginPrioritiesTests
{
    [Fact]
    public void Priorities_AreKongs()
    {
        var expected = new Dictionary<string, int>
        {
            ["correlation-id"] = 100001,
            ["zipkin"] = 100000,
            ["bot-detection"] = 2500,
            ["session"] = 1900,
            ["cors"] = 2000,
            ["jwt"] = 1450,
            ["oauth2"] = 1400,
            ["key-auth"] = 1250,
            ["ldap-auth"] = 1200,
            ["basic-auth"] = 1100,
            ["hmac-auth"] = 1030,
            ["ip-restriction"] = 990,
            ["request-size-limiting"] = 951,
            ["acl"] = 950,
            ["rate-limiting"] = 910,
            ["response-ratelimiting"] = 900,
            ["request-transformer"] = 801,
            ["response-transformer"] = 800,
            ["redirect"] = 779,
            ["standard-webhooks"] = 760,
            ["proxy-cache"] = 100,
            ["opentelemetry"] = 14,
            ["prometheus"] = 13,
            ["statsd"] = 11,
            ["datadog"] = 10,
            ["http-log"] = 12,
            ["file-log"] = 9,
            ["udp-log"] = 8,
            ["tcp-log"] = 7,
            ["loggly"] = 6,
            ["syslog"] = 4,
            ["request-termination"] = 2,
            ["grpc-gateway"] = 998,
            ["grpc-web"] = 3,
            ["https-redirect"] = 3000,
            ["access-control"] = 955,
            ["rewrite"] = 802,
            ["aggregate"] = 1,
        };

        Assert.Equal(expected.OrderBy(p => p.Key), PluginCatalog.Bundled.Schemas.ToDictionary(p => p.Name, p => p.Priority).OrderBy(p => p.Key));
    }

    [Fact]
    public void Priorities_HaveNoDuplicates()
    {
        var duplicates = PluginCatalog.Bundled.Schemas.GroupBy(p => p.Priority).Where(g => g.Count() > 1)
            .Select(g => $"{string.Join(", ", g.Select(p => p.Name))} ({g.Key})");
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Plugins_RunInKongsOrder()
    {
        string[] order =
        [
            "correlation-id", "zipkin", "https-redirect", "bot-detection", "cors", "session", "jwt", "oauth2", "key-auth", "ldap-auth", "basic-auth", "hmac-auth",
            "grpc-gateway", "ip-restriction", "access-control", "request-size-limiting", "acl", "rate-limiting", "response-ratelimiting",
            "rewrite", "request-transformer", "response-transformer", "redirect", "standard-webhooks", "proxy-cache", "opentelemetry", "prometheus", "http-log",
            "statsd", "datadog", "file-log", "udp-log", "tcp-log", "loggly", "syslog", "grpc-web", "request-termination",
            "aggregate",
        ];
        Assert.Equal(order, PluginCatalog.Bundled.Schemas.OrderByDescending(p => p.Priority).Select(p => p.Name));
    }

    [Fact]
    public void Registry_HoldsEveryPluginAndCredential()
    {
        var registry = PluginConfigValidator.Registry;
        Assert.Equal(38, registry.Plugins.Count);
        Assert.Equal("keyauth_credentials", registry.FindByAdminPath("key-auths")?.Name);
        Assert.Equal("basicauth_credentials", registry.FindByAdminPath("basic-auths")?.Name);
        Assert.Equal("jwt_secrets", registry.FindByAdminPath("jwts")?.Name);
        Assert.Equal("hmacauth_credentials", registry.FindByAdminPath("hmac-auths")?.Name);
        Assert.Equal("acls", registry.FindByAdminPath("acls")?.Name);
    }
}

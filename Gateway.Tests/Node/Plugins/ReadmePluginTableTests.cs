using Gateway.Node.Pipeline;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Plugins;

/// <summary>The README's table of Kong 3.9's bundled plugins says truly which are bundled here.</summary>
public class ReadmePluginTableTests
{
    /// <summary>Kong 3.9's BUNDLED_PLUGINS (kong/constants.lua), in its order.</summary>
    private static readonly string[] Kong39 =
    [
        "jwt", "acl", "correlation-id", "cors", "oauth2", "tcp-log", "udp-log", "file-log", "http-log", "key-auth", "hmac-auth",
        "basic-auth", "ip-restriction", "request-transformer", "response-transformer", "request-size-limiting", "rate-limiting",
        "response-ratelimiting", "syslog", "loggly", "datadog", "ldap-auth", "statsd", "bot-detection", "aws-lambda",
        "request-termination", "prometheus", "proxy-cache", "session", "acme", "grpc-gateway", "grpc-web", "pre-function",
        "post-function", "azure-functions", "zipkin", "opentelemetry", "ai-proxy", "ai-prompt-decorator", "ai-prompt-template",
        "ai-prompt-guard", "ai-request-transformer", "ai-response-transformer", "standard-webhooks", "redirect",
    ];

    [Fact]
    public void EveryKongPlugin_IsListed_AndBundledMeansBundled()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("| Kong 3.9 plugin | here |", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)).Select(c => (Name: c[1], State: c[2])).ToList();

        Assert.Equal(Kong39, rows.Select(r => r.Name));
        var bundled = PluginCatalog.Bundled.Schemas.Select(s => s.Name).ToHashSet();
        Assert.Equal(Kong39.Where(bundled.Contains), rows.Where(r => r.State == "bundled").Select(r => r.Name));
    }
}

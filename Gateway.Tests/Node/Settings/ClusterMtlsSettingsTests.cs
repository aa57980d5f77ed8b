using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Settings;

/// <summary>cluster_mtls and its three files: off by default; on without them, or with a bad file, start-up stops with one line.</summary>
public sealed class ClusterMtlsSettingsTests
{
    [Fact]
    public void ClusterMtls_IsOffByDefault()
    {
        var settings = SettingsLoader.FromValues([]);

        Assert.False(settings.ClusterMtls);
        Assert.Null(settings.ClusterCert);
        Assert.Null(settings.ClusterCertKey);
        Assert.Null(settings.ClusterCaCert);
    }

    [Fact]
    public void ClusterMtlsOn_WithoutTheFiles_NamesTheMissingOnes()
    {
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.FromValues(
            [("cluster_mtls", "on", "--cluster_mtls"), ("cluster_cert", "/etc/node.crt", "--cluster_cert")]));

        Assert.Equal("cluster_mtls = on (from --cluster_mtls) needs cluster_cert_key, cluster_ca_cert", ex.Message);
    }

    [Fact]
    public void ClusterMtls_OtherThanOnOrOff_IsRefused()
    {
        var ex = Assert.Throws<SettingsException>(() => SettingsLoader.FromValues([("cluster_mtls", "yes", "--cluster_mtls")]));

        Assert.StartsWith("invalid value for cluster_mtls (from --cluster_mtls): ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithClusterMtlsOnAndNoFiles_ExitsWithOneLine()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-mtls-").FullName;
        try
        {
            var (code, stdout, stderr) = await NodeProcess.RunAsync(["start", "--prefix", prefix, "--cluster_mtls", "on"]);

            Assert.Equal(1, code);
            Assert.Equal("gateway: cluster_mtls = on (from --cluster_mtls) needs cluster_cert, cluster_cert_key, cluster_ca_cert", Assert.Single(stderr));
            Assert.Empty(stdout);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public async Task Start_WithAKeyFileThatIsNotPem_ExitsWithOneLineNamingTheSetting()
    {
        using var authority = new ClusterAuthority("ca");
        var settings = authority.NodeSettings("node");
        var key = settings[Array.IndexOf(settings, "--cluster_cert_key") + 1];
        await File.WriteAllTextAsync(key, "not a key");
        var prefix = Directory.CreateTempSubdirectory("gateway-mtls-").FullName;
        try
        {
            var (code, _, stderr) = await NodeProcess.RunAsync(["start", "--prefix", prefix, .. settings]);

            Assert.Equal(1, code);
            Assert.StartsWith("gateway: invalid value for cluster_cert: ", Assert.Single(stderr), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }
}

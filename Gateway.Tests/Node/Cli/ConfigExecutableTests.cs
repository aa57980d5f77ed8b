using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Cli;

/// <summary>The <c>config</c> commands through the real <c>gateway</c> executable: exit codes and the one-line reason.</summary>
public sealed class ConfigExecutableTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gateway-config-exe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (int Code, IReadOnlyList<string> Stderr) Run(params string[] args)
    {
        using var process = NodeProcess.Start([.. args, "--prefix", _folder]);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "gateway did not exit");
        process.Process.WaitForExit();
        return (process.Process.ExitCode, process.Stderr);
    }

    [Fact]
    public void ConfigParse_ValidFile_ExitsZero()
    {
        var file = Path.Combine(_folder, "kong.yml");
        File.WriteAllText(file, "_format_version: \"3.0\"\nconsumers:\n- username: x\n");
        var (code, stderr) = Run("config", "parse", file);
        Assert.Equal(0, code);
        Assert.DoesNotContain(stderr, l => l.Length > 0);
    }

    [Fact]
    public void ConfigParse_InvalidFile_ExitsNonZeroWithOneLine()
    {
        var file = Path.Combine(_folder, "kong.yml");
        File.WriteAllText(file, "_format_version: \"3.0\"\nconsumers:\n- {}\n");
        var (code, stderr) = Run("config", "parse", file);
        Assert.Equal(1, code);
        var line = Assert.Single(stderr, l => l.Length > 0);
        Assert.Equal($"gateway: {file}: declarative config is invalid: {{consumers={{{{[\"@entity\"]={{\"at least one of these fields must be non-empty: 'custom_id', 'username'\"}}}}}}}}", line);
    }

    [Fact]
    public void ConfigSync_WithoutAdminUrl_ExitsNonZeroWithOneLine()
    {
        var (code, stderr) = Run("config", "sync", "kong.yml");
        Assert.Equal(1, code);
        Assert.Equal("gateway: missing --admin-url for 'config sync'", Assert.Single(stderr, l => l.Length > 0));
    }
}

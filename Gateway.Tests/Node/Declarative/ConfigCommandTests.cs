using Gateway.Node.Declarative;
using Gateway.Node.Settings;

namespace Gateway.Tests.Node.Declarative;

/// <summary><c>gateway config ...</c> run in process against files and a SQLite database in a temporary prefix.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-config-").FullName;

    public void Dispose() => Directory.Delete(_prefix, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_prefix, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <c>gateway config ARGS --prefix PREFIX</c>; returns the exit code and both outputs.</summary>
    internal async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var commandLine = CommandLine.Parse([.. args, "--prefix", _prefix]);
        var settings = SettingsLoader.Load(commandLine, new Dictionary<string, string>());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ConfigCommand.RunAsync(settings, commandLine, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Parse_ValidFile_Succeeds()
    {
        var file = WriteFile("kong.yml", "_format_version: \"3.0\"\nservices:\n- name: s\n  host: example.test\n  routes:\n  - paths: [/]\n");
        var (code, output, error) = await RunAsync("config", "parse", file);
        Assert.Equal(0, code);
        Assert.Equal($"parse successful: 2 entities in {file}\n", output);
        Assert.Empty(error);
    }

    [Fact]
    public async Task Parse_InvalidFile_PrintsTheCode14MessageAndFails()
    {
        var file = WriteFile("bad.yml", "_format_version: \"1.1\"\nservices:\n- port: -12\n");
        var (code, output, error) = await RunAsync("config", "parse", file);
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Equal(
            $"gateway: {file}: declarative config is invalid: {{services={{{{host=\"required field missing\",port=\"value should be between 0 and 65535\"}}}}}}\n",
            error);
    }

    [Fact]
    public async Task Parse_MissingFile_NamesIt()
    {
        var file = Path.Combine(_prefix, "missing.yml");
        var (code, _, error) = await RunAsync("config", "parse", file);
        Assert.Equal(1, code);
        Assert.Contains($"failed parsing declarative configuration: cannot read {file}", error);
    }
}

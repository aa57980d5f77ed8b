namespace Gateway.Tests.Storage.Declarative;

/// <summary>Inputs the declarative fuzz harness (infra/fuzz) found crashing the parser, kept as regressions.</summary>
public sealed class DeclarativeFuzzFindingsTests
{
    [Fact]
    public void ParseText_YamlTheScannerGivesUpOn_IsKongsParsingError()
    {
        // YamlDotNet's scanner throws InvalidOperationException here, not a YamlException: `config parse` crashed.
        var error = Declarative.Invalid(": [\nc");

        Assert.StartsWith("failed parsing declarative configuration: ", error.Fields["error"]!.GetValue<string>());
    }
}

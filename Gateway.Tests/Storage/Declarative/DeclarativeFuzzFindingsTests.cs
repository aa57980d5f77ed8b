using System.Text;
using Gateway.Storage.Declarative;

namespace Gateway.Tests.Storage.Declarative;

/// <summary>Inputs the declarative fuzz harness (infra/fuzz) found crashing the parser, kept as regressions.</summary>
public sealed class DeclarativeFuzzFindingsTests
{
    [Theory]
    [InlineData(": [\nc")] // YamlDotNet's scanner: InvalidOperationException
    [InlineData("- <<:\0\0\0\0\0\u0010\0\0 *base\n - Name: rate-limiting\n \0\0\u00006vice: s: loca:")] // its node loader: ArgumentException
    public void ParseText_YamlThatYamlDotNetFailsOnWithoutAYamlException_IsKongsParsingError(string text)
    {
        // `gateway config parse` and POST /config crashed on these instead of Kong's code-14 parsing error.
        var error = Declarative.Invalid(text);

        Assert.StartsWith("failed parsing declarative configuration: ", error.Fields["error"]!.GetValue<string>());
    }

    [Fact]
    public void ParseText_JsonWithARepeatedKey_ParsesOrIsKongsParsingError()
    {
        // The fuzzer's find: the repeated key failed on first access (ArgumentException: "An item with the same key
        // has already been added"). Whether the last value wins (cjson) or the file is refused is issue 21 item 5's rule.
        var error = Record.Exception(() => Declarative.Parser.ParseText("""{"_format_version":"3.0","routes":[],"routes":[]}"""));

        Assert.True(error is null or DeclarativeConfigException, error?.ToString());
    }

    [Fact]
    public void ParseText_FloatPastDoubleRange_StaysTextForTheSchemaToRefuse()
    {
        // 1e999 read as infinity, which the parser's JSON re-read cannot write (ArgumentException).
        var error = Declarative.Invalid("_format_version: \"3.0\"\nservices:\n- name: s\n  host: h\n  retries: 1e999\n");

        Assert.Contains("retries", error.Message);
    }

    [Fact]
    public void ParseText_NestedPast64Levels_IsKongsParsingError()
    {
        // JSON past 64 levels falls through to YAML, which read it; the JSON re-read then threw JsonException.
        var error = Declarative.Invalid("a: " + new string('[', 70) + new string(']', 70));

        Assert.Contains("nests deeper than 64 levels", error.Fields["error"]!.GetValue<string>());
    }

    [Fact]
    public void ParseText_AliasesExpandingExponentially_AreRefusedQuickly()
    {
        // Nine levels of nine aliases each: 387 million nodes if expanded.
        var text = new StringBuilder("l0: &l0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
        {
            text.Append($"l{i}: &l{i} [{string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 9))}]\n");
        }

        var error = Declarative.Invalid(text.ToString());

        Assert.Contains("aliases expand the document", error.Fields["error"]!.GetValue<string>());
    }
}

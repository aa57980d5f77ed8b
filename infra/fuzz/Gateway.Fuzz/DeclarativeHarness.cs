using System.Text;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Declarative;

namespace Gateway.Fuzz;

/// <summary>
/// The declarative config parser (<see cref="DeclarativeParser.ParseText"/>, YAML or JSON) on the input as
/// UTF-8 text, with the bundled plugins' schemas. It documents one exception for a bad file:
/// <see cref="DeclarativeConfigException"/> (Kong's code 14).
/// </summary>
internal static class DeclarativeHarness
{
    private static readonly DeclarativeParser Parser = CreateParser();

    /// <summary>Parses, flattens, resolves and validates the file.</summary>
    public static void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = Parser.ParseText(Encoding.UTF8.GetString(input));
        }
        catch (DeclarativeConfigException)
        {
            // A refused file: `gateway config parse` prints it and exits 1.
        }
    }

    private static DeclarativeParser CreateParser()
    {
        var registry = PluginCatalog.Bundled.CreateRegistry();
        return new DeclarativeParser(registry, new SchemaValidator(registry, TimeProvider.System));
    }
}

using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Declarative;

namespace Gateway.Tests.Storage.Declarative;

/// <summary>The registry a node builds (core entities, credentials, bundled plugins) and a parser over it.</summary>
internal static class Declarative
{
    public static SchemaRegistry Registry { get; } = PluginCatalog.Bundled.CreateRegistry();

    public static SchemaValidator Validator { get; } = new(Registry, TimeProvider.System);

    public static DeclarativeParser Parser { get; } = new(Registry, Validator);

    /// <summary>Parses text and expects Kong's code-14 error; returns it.</summary>
    public static DeclarativeConfigException Invalid(string text) => Assert.Throws<DeclarativeConfigException>(() => Parser.ParseText(text));
}

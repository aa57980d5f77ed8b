using System.Text.Json.Nodes;

namespace Gateway.Storage.Declarative;

/// <summary>
/// A declarative config that cannot be loaded (Kong's error code 14). <see cref="Fields"/> locates each
/// error by entity type, position (or endpoint key) and field, as Kong's <c>fields</c> does.
/// </summary>
public sealed class DeclarativeConfigException(JsonObject fields)
    : Exception($"declarative config is invalid: {LuaPretty.Write(fields)}")
{
    /// <summary>The error tree: <c>{"services":[{"host":"required field missing"}]}</c>.</summary>
    public JsonObject Fields { get; } = fields;

    /// <summary>A file that is not a config at all: <c>{"error":"failed parsing declarative configuration: ..."}</c>.</summary>
    public static DeclarativeConfigException Parsing(string reason) =>
        new(new JsonObject { ["error"] = $"failed parsing declarative configuration: {reason}" });
}

using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Storage.Declarative;

/// <summary>
/// A declarative config that cannot be loaded (Kong's error code 14). <see cref="Fields"/> locates each
/// error by entity type, position (or endpoint key) and field, as Kong's <c>fields</c> does.
/// </summary>
public sealed class DeclarativeConfigException(JsonObject fields, JsonObject? general = null, JsonArray? flattened = null)
    : Exception($"declarative config is invalid: {KongFormat.Pretty(fields)}")
{
    /// <summary>The error tree: <c>{"services":[{"host":"required field missing"}]}</c>.</summary>
    public JsonObject Fields { get; } = fields;

    /// <summary>The errors of no particular entity (what Kong keeps in <c>fields</c> with <c>?flatten_errors=1</c>).</summary>
    public JsonObject General { get; } = general ?? fields;

    /// <summary>Kong's <c>flattened_errors</c>: per entity, its type, name, id, tags and a list of field and entity errors.</summary>
    public JsonArray Flattened { get; } = flattened ?? [];

    /// <summary>The message Kong gives with <c>?flatten_errors=1</c>: only the general errors are pretty-printed.</summary>
    public string FlattenedMessage => $"declarative config is invalid: {KongFormat.Pretty(General)}";

    /// <summary>A file that is not a config at all: <c>{"error":"failed parsing declarative configuration: ..."}</c>.</summary>
    public static DeclarativeConfigException Parsing(string reason) =>
        new(new JsonObject { ["error"] = $"failed parsing declarative configuration: {reason}" });
}

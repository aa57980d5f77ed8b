using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using Gateway.Storage.Entities;

namespace Gateway.Tests.Node.Plugins;

/// <summary>Validates a plugin config as the plugins entity would: the config record wrapped in a one-field entity.</summary>
internal static class PluginConfigValidator
{
    public static readonly SchemaRegistry Registry =
        PluginCatalog.Bundled.CreateRegistry();

    public static readonly SchemaValidator Validator = new(Registry, TimeProvider.System);

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON text with quotes left readable, for comparing with Kong's messages.</summary>
    public static string Json(this JsonNode node) => node.ToJsonString(Relaxed);

    /// <summary>The processed config, or the errors under "config" (a record of them, or one message: Kong's custom_validator).</summary>
    public static (JsonObject? Config, JsonNode? Errors) Validate(string plugin, string configJson)
    {
        var schema = Registry.FindPlugin(plugin) ?? throw new ArgumentException($"no plugin {plugin}");
        var wrapper = new EntitySchema("plugin_config", [schema.Config with { Name = "config", Required = true }]);
        var errors = new ValidationErrors();
        var input = new JsonObject { ["config"] = JsonNode.Parse(configJson) };
        var result = Validator.Validate(wrapper, input, null, errors);
        return result is null
            ? (null, errors.ToJson()["config"] ?? errors.ToJson())
            : ((JsonObject)result["config"]!, null);
    }

    /// <summary>The processed config; fails the test when invalid.</summary>
    public static JsonObject Valid(string plugin, string configJson)
    {
        var (config, errors) = Validate(plugin, configJson);
        Assert.True(config is not null, $"expected valid, got {errors?.ToJsonString()}");
        return config!;
    }

    /// <summary>The errors under config; fails the test when valid.</summary>
    public static JsonNode Invalid(string plugin, string configJson)
    {
        var (config, errors) = Validate(plugin, configJson);
        Assert.True(errors is not null, $"expected errors, got {config?.ToJsonString()}");
        return errors!;
    }
}

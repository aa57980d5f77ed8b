using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Entities;

namespace Gateway.Tests.Storage.Entities;

/// <summary>Runs the schema validator over the core entities, with no plugins unless a test adds some.</summary>
internal static class EntityValidation
{
    public static SchemaRegistry Registry { get; } = new(CoreEntities.All, []);

    /// <summary>Validates JSON text as an insert (POST); returns the stored entity or null, and the errors.</summary>
    public static (JsonObject? Entity, ValidationErrors Errors) Insert(string entity, string json, SchemaRegistry? registry = null)
    {
        registry ??= Registry;
        var errors = new ValidationErrors();
        var validator = new SchemaValidator(registry, TimeProvider.System);
        var result = validator.Validate(registry.Get(entity), JsonNode.Parse(json)!.AsObject(), null, errors);
        return (result, errors);
    }

    /// <summary>Validates JSON text as a partial update (PATCH) of <paramref name="existing"/>.</summary>
    public static (JsonObject? Entity, ValidationErrors Errors) Update(string entity, JsonObject existing, string json)
    {
        var errors = new ValidationErrors();
        var validator = new SchemaValidator(Registry, TimeProvider.System);
        var result = validator.Validate(Registry.Get(entity), JsonNode.Parse(json)!.AsObject(), existing, errors);
        return (result, errors);
    }

    /// <summary>Validates and expects success.</summary>
    public static JsonObject Valid(string entity, string json)
    {
        var (result, errors) = Insert(entity, json);
        Assert.True(result is not null, errors.IsEmpty ? "no result" : errors.ToMessage());
        return result!;
    }

    /// <summary>Validates and expects failure; returns Kong's <c>fields</c> object as compact JSON.</summary>
    public static (string Fields, string Message) Invalid(string entity, string json)
    {
        var (result, errors) = Insert(entity, json);
        Assert.Null(result);
        Assert.False(errors.IsEmpty);
        return (errors.ToJson().Relaxed(), errors.ToMessage());
    }

    /// <summary>Compact JSON without escaping quotes and backticks, so expected texts read as Kong's.</summary>
    public static string Relaxed(this JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

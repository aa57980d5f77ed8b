using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>vaults</c> entity (kong/db/schema/entities/vaults.lua): a named, configured instance of a vault kind,
/// which references then name by its prefix (<c>{vault://my-env/NAME}</c>). Kong's OSS ships one kind, <c>env</c>
/// (kong/vaults/env): environment variables, with an optional prefix on their names.
/// </summary>
public static partial class Vaults
{
    /// <summary>The vault kinds this build has and their config fields; a reference may also name a kind directly.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Field>> Kinds { get; } = new Dictionary<string, IReadOnlyList<Field>>
    {
        ["env"] =
        [
            new Field("prefix", FieldType.String)
            {
                Custom = Typedefs.StringCheck(p => EnvPrefixPattern().IsMatch(p) ? null : $"invalid value: {p}"),
                Description = "The prefix for the environment variable that the value will be stored in.",
            },
        ],
    };

    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("vaults",
    [
        Typedefs.Id(),
        new Field("prefix", FieldType.String)
        {
            Required = true,
            Unique = true,
            Custom = Typedefs.StringCheck(CheckPrefix),
            Description = "The unique prefix (or identifier) for this Vault configuration; the host part of the references to it.",
        },
        new Field("name", FieldType.String) { Required = true, Description = "The name of the Vault that's going to be added." },
        new Field("description", FieldType.String) { Description = "The description of the Vault entity." },
        new Field("config", FieldType.Record) { Fields = Kinds["env"], Description = "The configuration properties for the Vault." },
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Tags(),
    ])
    {
        EndpointKey = "prefix",
        CacheKey = ["prefix"],
        Checks = [CheckKind],
    };

    private static string? CheckPrefix(string prefix) =>
        !PrefixPattern().IsMatch(prefix) ? $"invalid value: {prefix}"
        : Kinds.ContainsKey(prefix) ? $"must not be one of: {string.Join(", ", Kinds.Keys)}"
        : null;

    private static void CheckKind(JsonObject entity, ValidationErrors errors)
    {
        if (entity["name"]?.GetValue<string>() is { } name && !Kinds.ContainsKey(name))
        {
            errors.Field("name", $"vault '{name}' is not installed");
        }
    }

    /// <summary>Kong's <c>^[a-z][a-z%d-]-[a-z%d]+$</c>: a host label of at least two characters.</summary>
    [GeneratedRegex("^[a-z][a-z0-9-]*[a-z0-9]$")]
    private static partial Regex PrefixPattern();

    /// <summary>Kong's <c>^[%a_-][%a%d_-]*$</c>.</summary>
    [GeneratedRegex("^[A-Za-z_-][A-Za-z0-9_-]*$")]
    private static partial Regex EnvPrefixPattern();
}

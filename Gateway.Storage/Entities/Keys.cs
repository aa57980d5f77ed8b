using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>keys</c> entity (kong/db/schema/entities/keys.lua): one key, as a JWK (a JSON string) or a PEM pair,
/// optionally in a key set (deleting the set deletes its keys).
/// </summary>
public static class Keys
{
    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("keys",
    [
        Typedefs.Id(),
        Typedefs.Foreign("set", "key_sets", OnDelete.Cascade),
        new Field("name", FieldType.String) { Unique = true },
        new Field("kid", FieldType.String) { Required = true },
        new Field("jwk", FieldType.String) { Referenceable = true },
        new Field("pem", FieldType.Record)
        {
            Fields =
            [
                new Field("private_key", FieldType.String) { Referenceable = true },
                new Field("public_key", FieldType.String) { Referenceable = true },
            ],
            Checks = [Entities.Checks.AtLeastOneOf("private_key", "public_key")],
            Custom = value => KeyMaterial.CheckPem(value.AsObject()),
            Description = "A pair of PEM-encoded public and private keys, which can be either a string or a reference to a credential in Kong Vault. If provided as strings, they must be valid PEM-encoded keys.",
        },
        Typedefs.Tags(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
    ])
    {
        EndpointKey = "name",
        CacheKey = ["kid", "set"],
        Checks =
        [
            Entities.Checks.MutuallyExclusive("jwk", "pem"),
            Entities.Checks.AtLeastOneOf("jwk", "pem"),
            CheckJwk,
        ],
    };

    /// <summary>Kong's custom entity check on <c>jwk</c>: JSON, its kid the key's kid, its fields typed, its key material loadable.</summary>
    private static void CheckJwk(JsonObject entity, ValidationErrors errors)
    {
        if (entity["jwk"] is not JsonValue value || value.GetValue<string>() is not { } text || VaultReference.IsReference(text))
        {
            return;
        }

        JsonObject? jwk;
        try
        {
            jwk = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            jwk = null;
        }

        if (jwk is null)
        {
            errors.Entity("could not json decode jwk string");
            return;
        }

        if (!Entities.Checks.Is(jwk["kid"], entity["kid"]?.GetValue<string>() ?? ""))
        {
            errors.Entity("kid in jwk.kid must be equal to keys.kid");
            return;
        }

        if (KeyMaterial.CheckJwk(jwk) is { } error)
        {
            errors.Entity(error);
        }
    }
}

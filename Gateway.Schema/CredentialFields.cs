namespace Gateway.Schema;

/// <summary>The fields every credential entity shares (kong/plugins/*/daos.lua): id, created_at, consumer and tags.</summary>
public static class CredentialFields
{
    /// <summary>The owning consumer: required, and deleting the consumer deletes its credentials.</summary>
    public static Field Consumer() =>
        Typedefs.Foreign("consumer", "consumers", OnDelete.Cascade, required: true) with { Description = "The consumer the credential belongs to." };

    /// <summary>Builds a credential's fields: id, created_at, consumer, then the specific ones, then tags (Kong's order).</summary>
    public static IReadOnlyList<Field> With(params Field[] specific) =>
        [Typedefs.Id(), Typedefs.CreatedAt(), Consumer(), .. specific, Typedefs.Tags()];
}

using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>Kong's core entities (kong/constants.lua CORE_ENTITIES), parents before children.</summary>
public static class CoreEntities
{
    /// <summary>The schemas, in the order the store creates and exports them.</summary>
    public static IReadOnlyList<EntitySchema> All { get; } =
    [
        Services.Schema,
        Routes.Schema,
        Consumers.Schema,
        Plugins.Schema,
        Upstreams.Schema,
        Targets.Schema,
        Certificates.Schema,
        Snis.Schema,
        CaCertificates.Schema,
        Vaults.Schema,
        KeySets.Schema,
        Keys.Schema,
    ];
}

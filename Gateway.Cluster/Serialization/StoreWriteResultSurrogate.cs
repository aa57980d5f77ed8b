using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Cluster.Serialization;

/// <summary>
/// A <see cref="StoreWriteResult"/> on the wire, its refusal spread over named fields (each case fills the ones its
/// record has); the row of a unique violation's key goes through <see cref="JsonObjectConverter"/>.
/// </summary>
[GenerateSerializer, Alias("Gateway.Cluster.Serialization.StoreWriteResultSurrogate")]
public struct StoreWriteResultSurrogate
{
    /// <summary><see cref="StoreWriteResult.Applied"/>.</summary>
    [Id(0)]
    public bool Applied;

    /// <summary><see cref="StoreWriteResult.Version"/>.</summary>
    [Id(1)]
    public long Version;

    /// <summary>Which refusal, if any.</summary>
    [Id(2)]
    public RefusalKind Refusal;

    /// <summary>The refused entity type (primary key, unique, unsupported) or the referenced one (foreign key, referenced by others).</summary>
    [Id(3)]
    public string? Entity;

    /// <summary>The id that exists (primary key) or is missing (foreign key).</summary>
    [Id(4)]
    public string? Id;

    /// <summary>The unique key that collided.</summary>
    [Id(5)]
    public JsonObject? Key;

    /// <summary>The foreign field, the referencing entity type (referenced by others), or Kong's verb (unsupported).</summary>
    [Id(6)]
    public string? Detail;
}

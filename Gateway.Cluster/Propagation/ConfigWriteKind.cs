namespace Gateway.Cluster.Propagation;

/// <summary>Which store write a <see cref="ConfigWriteRequest"/> asks for.</summary>
public enum ConfigWriteKind
{
    /// <summary>IConfigStore.InsertAsync.</summary>
    Insert,

    /// <summary>IConfigStore.UpdateAsync.</summary>
    Update,

    /// <summary>IConfigStore.UpsertAsync.</summary>
    Upsert,

    /// <summary>IConfigStore.DeleteAsync.</summary>
    Delete,
}

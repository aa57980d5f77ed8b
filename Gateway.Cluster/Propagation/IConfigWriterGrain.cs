namespace Gateway.Cluster.Propagation;

/// <summary>
/// The single writer of one entity, keyed <c>entity/id</c>: every write to that entity, from any
/// node, goes through its one activation, which applies it to the store and then pushes the new
/// config version to every silo.
/// </summary>
public interface IConfigWriterGrain : IGrainWithStringKey
{
    /// <summary>Applies the write and announces the resulting version.</summary>
    Task<ConfigWriteOutcome> WriteAsync(ConfigWriteRequest request);
}

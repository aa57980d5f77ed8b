using Gateway.Storage.Store;
using Orleans.Concurrency;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// The writer of one entity, keyed <c>entity/id</c>: applies a write to the store, then pushes the committed config
/// version to every silo.
/// </summary>
public interface IConfigWriterGrain : IGrainWithStringKey
{
    /// <summary>Applies the write and announces the committed version.</summary>
    /// <returns>
    /// The store's answer, refusals included. Wrapped as immutable: the grain never touches it again, so an answer to
    /// a caller on this silo is handed over as it is; one to another silo goes through the surrogates in
    /// Gateway.Cluster.Serialization.
    /// </returns>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    Task<Immutable<StoreWriteResult>> WriteAsync(ConfigWriteRequest request);
}

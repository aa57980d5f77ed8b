using Gateway.Cluster.Propagation;

namespace Gateway.Cluster.Consumers;

/// <summary>Holds one looked-up row; re-reads it only when a caller has seen a newer config version.</summary>
public sealed class ConsumerGrain(ClusterStore cluster) : Grain, IConsumerGrain
{
    private long _version = -1;
    private string? _row;

    /// <inheritdoc/>
    public async Task<string?> GetAsync(long atLeastVersion)
    {
        if (_version < atLeastVersion || _version < 0)
        {
            var (entity, field, value) = ConsumerKey.Parse(this.GetPrimaryKeyString());

            // The version first: a write landing during the read is at worst read again next time.
            var version = await cluster.Store.GetVersionAsync();
            var row = field == "id"
                ? await cluster.Store.GetAsync(entity, value)
                : await cluster.Store.GetByFieldAsync(entity, field, value);
            _row = row?.ToJsonString();
            _version = Math.Max(version, atLeastVersion);
        }

        return _row;
    }
}

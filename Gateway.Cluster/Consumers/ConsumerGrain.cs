using System.Text.Json.Nodes;
using Gateway.Cluster.Propagation;
using Gateway.Storage.Store;

namespace Gateway.Cluster.Consumers;

/// <summary>Holds one looked-up row; re-reads it only when a caller has seen a newer config version.</summary>
public sealed class ConsumerGrain(ClusterStore cluster) : Grain, IConsumerGrain
{
    private const int PageSize = 1000;

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
            if (ConsumerKey.IsListField(field))
            {
                _row = (await ListAsync(entity, field[1..], value)).ToJsonString();
            }
            else
            {
                var row = field == "id"
                    ? await cluster.Store.GetAsync(entity, value)
                    : await cluster.Store.GetByFieldAsync(entity, field, value);
                _row = row?.ToJsonString();
            }

            _version = Math.Max(version, atLeastVersion);
        }

        return _row;
    }

    /// <summary>Every row of <paramref name="entity"/> whose foreign field references <paramref name="id"/>, as <c>{"data":[...]}</c>.</summary>
    private async Task<JsonObject> ListAsync(string entity, string foreignField, string id)
    {
        var data = new JsonArray();
        string? offset = null;
        do
        {
            var page = await cluster.Store.ListAsync(entity, new ListQuery(PageSize, offset, ForeignField: foreignField, ForeignId: id));
            foreach (var row in page.Data)
            {
                data.Add(row.DeepClone());
            }

            offset = page.Offset;
        }
        while (offset is not null);

        return new JsonObject { ["data"] = data };
    }
}

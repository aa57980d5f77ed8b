using System.Text.Json.Nodes;
using Gateway.Storage.Store;
using Microsoft.Extensions.Logging;

namespace Gateway.Cluster.Propagation;

/// <summary>
/// The node-side face of the writer grains: sends a write to its entity's grain and turns a refusal
/// back into the exception the store itself would have thrown.
/// </summary>
public sealed class ClusterConfigWriter(IGrainFactory grains, ClusterStore cluster, IConfigPushClient push, ILogger<ClusterConfigWriter> logger)
{
    /// <summary>Runs the write; returns the store's boolean answer.</summary>
    /// <exception cref="StoreConstraintException">The store refused it.</exception>
    /// <exception cref="DatabaseUnavailableException">The database did not answer.</exception>
    public async Task<bool> WriteAsync(ConfigWriteKind kind, string entity, string id, JsonObject? row)
    {
        var request = new ConfigWriteRequest(kind, entity, id, row?.ToJsonString());
        ConfigWriteOutcome outcome;
        try
        {
            outcome = await grains.GetGrain<IConfigWriterGrain>($"{entity}/{id}").WriteAsync(request);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The grain is out of reach (its silo just died, the directory is being rebuilt): apply the
            // write here. The store's own lock still serialises it with every other writer.
            logger.LogWarning("writer grain for {Entity}/{Id} unreachable, writing locally: {Reason}", entity, id, e.Message);
            outcome = await ConfigWriteApplier.WriteAsync(cluster.Store, push, request);
        }

        return outcome.Failure switch
        {
            ConfigWriteFailure.None => outcome.Applied,
            ConfigWriteFailure.PrimaryKey => throw new PrimaryKeyViolationException(entity, outcome.DetailId!),
            ConfigWriteFailure.Unique => throw new UniqueViolationException(entity, JsonNode.Parse(outcome.Detail!)!.AsObject()),
            ConfigWriteFailure.ForeignKey => throw new ForeignKeyViolationException(
                outcome.Detail!, outcome.DetailId!, cluster.Registry.Get(entity)[outcome.Detail!]?.Reference ?? outcome.Detail!),
            ConfigWriteFailure.ReferencedByOthers => throw new ReferencedByOthersException(entity, outcome.Detail!),
            _ => throw new DatabaseUnavailableException(outcome.Detail ?? "no answer"),
        };
    }
}

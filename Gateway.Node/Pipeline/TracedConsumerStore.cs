using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Tracing;

namespace Gateway.Node.Pipeline;

/// <summary>
/// A traced request's consumer look-ups: one that the node's cache answers at once makes no span; one that leaves the
/// node (to the consumer grains, which read the store when not yet activated) is Kong's <c>kong.database.query</c>,
/// with <c>db.system</c> and a <c>db.statement</c> naming the table and key.
/// </summary>
internal sealed class TracedConsumerStore(IConsumerStore inner, RequestTrace trace, string databaseSystem) : IConsumerStore
{
    /// <inheritdoc />
    public Task<JsonObject?> FindAsync(string entity, string field, string value) =>
        Traced(inner.FindAsync(entity, field, value), entity, field);

    /// <inheritdoc />
    public Task<IReadOnlyList<JsonObject>> ListAsync(string entity, string foreignField, string id) =>
        Traced(inner.ListAsync(entity, foreignField, id), entity, foreignField);

    private Task<T> Traced<T>(Task<T> lookup, string entity, string field)
    {
        if (lookup.IsCompleted || trace.Start(TracingInstrumentations.DbQuery, "kong.database.query") is not { } span)
        {
            return lookup;
        }

        span.SetAttribute("db.system", databaseSystem);
        span.SetAttribute("db.statement", $"SELECT * FROM {entity} WHERE {field} = $1");
        return Ended(lookup, span);
    }

    private static async Task<T> Ended<T>(Task<T> lookup, TraceSpan span)
    {
        try
        {
            return await lookup;
        }
        catch (Exception e)
        {
            span.Fail(e.Message);
            throw;
        }
        finally
        {
            span.End();
        }
    }
}

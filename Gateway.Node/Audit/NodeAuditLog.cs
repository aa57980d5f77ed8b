using Gateway.Node.Audit.Sinks;
using Gateway.Node.Plugins.Queues;
using Gateway.Node.Settings;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Audit;

/// <summary>
/// A node's audit log, when audit_log = on: the log in the config database (DB-less: in prefix/audit.db), the object
/// records the store writes in every write's transaction, the queue of request records, and the retention timer.
/// </summary>
public sealed class NodeAuditLog : IAsyncDisposable
{
    /// <summary>The name of a DB-less node's audit database in prefix/.</summary>
    public const string DbLessFile = "audit.db";

    private readonly AuditRetention _retention;
    private readonly IConfigStore? _ownStore;

    private NodeAuditLog(IAuditLog log, AuditPolicy policy, AuditRequestQueue requests, AuditRetention retention, IConfigStore? ownStore)
    {
        (Log, Policy, Requests, _retention, _ownStore) = (log, policy, requests, retention, ownStore);
    }

    /// <summary>Where records are streamed besides the database (audit_log_sink); null for nowhere.</summary>
    public IAuditSink? Sink => Policy.Sink;

    /// <summary>Where records are kept.</summary>
    public IAuditLog Log { get; }

    /// <summary>What is recorded and how.</summary>
    public AuditPolicy Policy { get; }

    /// <summary>The request records on their way to the database.</summary>
    public AuditRequestQueue Requests { get; }

    /// <summary>The policy audit_log's settings describe, for this node.</summary>
    public static AuditPolicy PolicyFor(GatewaySettings settings, string nodeId, IAuditSink? sink) => new()
    {
        RecordTtl = settings.AuditLogRecordTtl,
        IgnoreTables = settings.AuditLogIgnoreTables,
        Filter = settings.AuditLogPayloadExclude,
        Signer = settings.AuditLogSigner,
        NodeId = nodeId,
        Sink = sink,
    };

    /// <summary>Opens the log on <paramref name="store"/> (or, DB-less, on prefix/audit.db), every committed record counted by <paramref name="counter"/>; null when audit_log is off.</summary>
    /// <exception cref="InvalidOperationException">The store keeps no audit log (a DB-less declarative config: its records go to prefix/audit.db).</exception>
    public static async Task<NodeAuditLog?> OpenAsync(
        GatewaySettings settings, IConfigStore store, SchemaRegistry registry, string nodeId, IAuditSink counter, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!settings.AuditLog)
        {
            return null;
        }

        var policy = PolicyFor(settings, nodeId, AuditSinks.Both(counter, AuditSinks.Create(settings, loggers)));
        IConfigStore? ownStore = null;
        if (settings.Database == DatabaseKind.Off)
        {
            ownStore = new SqliteConfigStore(Path.Combine(settings.Prefix, DbLessFile), registry, TimeProvider.System);
            await ownStore.InitializeAsync(cancellationToken);
        }

        var log = OpenOn(ownStore ?? store, policy, settings.Database);
        var requests = new AuditRequestQueue(log, settings.AuditLogQueueMax, settings.Prefix, TimeProvider.System, loggers.CreateLogger<AuditRequestQueue>());
        var retention = new AuditRetention(log, RetentionInterval(settings.AuditLogRecordTtl), TimeProvider.System, loggers.CreateLogger<AuditRetention>());
        return new NodeAuditLog(log, policy, requests, retention, ownStore);
    }

    /// <summary>Starts recording <paramref name="store"/>'s writes under <paramref name="policy"/>.</summary>
    /// <exception cref="InvalidOperationException">The store keeps no audit log (a DB-less declarative config: its records go to prefix/audit.db).</exception>
    public static IAuditLog OpenOn(IConfigStore store, AuditPolicy policy, DatabaseKind database) =>
        store.OpenAuditLog(policy)
            ?? throw new InvalidOperationException($"audit_log = on needs a database; database = {database.ToString().ToLowerInvariant()} keeps no audit log");

    /// <summary>Stops the timer, flushes (or saves) the queue, drains the sink, closes a DB-less node's audit database.</summary>
    public async ValueTask DisposeAsync()
    {
        await _retention.DisposeAsync();
        await Requests.DisposeAsync();
        await AuditSinks.DisposeAsync(Sink);
        if (_ownStore is not null)
        {
            await _ownStore.DisposeAsync();
        }
    }

    /// <summary>A tenth of the TTL, between a second and ten minutes: a record outlives its TTL by at most that.</summary>
    private static TimeSpan RetentionInterval(long ttlSeconds) =>
        TimeSpan.FromSeconds(Math.Clamp(ttlSeconds / 10, 1, 600));
}

using System.Text.Json.Nodes;
using Gateway.Schema;
using Gateway.Storage.Audit;
using Gateway.Storage.Store;

namespace Gateway.Storage.Declarative;

/// <summary>
/// The store of a node with <c>database = off</c>: the entities of a declarative config, held in
/// memory and read-only. Every write is refused with Kong's "cannot create 'routes' entities when not
/// using a database" (code 12); the only way to change the config is <see cref="Replace"/> (the file at
/// start, <c>POST /config</c> later), which swaps the whole config in one reference write, so a reader
/// sees either the old config or the new one, never a mix.
/// </summary>
public sealed class DeclarativeConfigStore : IConfigStore
{
    private readonly SchemaRegistry _registry;
    private readonly string? _persistPath;
    private readonly Lock _replaceLock = new();
    private DeclarativeState _state;

    /// <summary>
    /// A store serving <paramref name="config"/> (or nothing) at version 1. With <paramref name="persistPath"/>,
    /// every config given to <see cref="Replace"/> with its document is also written there, so the node can
    /// serve it again after a restart (Kong keeps it in LMDB).
    /// </summary>
    public DeclarativeConfigStore(SchemaRegistry registry, DeclarativeConfig? config = null, string? persistPath = null)
    {
        _registry = registry;
        _persistPath = persistPath;
        _state = new DeclarativeState(1, config ?? Empty(registry), registry);
    }

    /// <summary>The config being served.</summary>
    public DeclarativeConfig Config => Volatile.Read(ref _state).Config;

    /// <summary>The hash of the config being served (compared by <c>POST /config?check_hash=1</c>).</summary>
    public string Hash => Config.Hash;

    /// <summary>
    /// Publishes a new config atomically; returns its version. <paramref name="document"/>, the config as
    /// received, is persisted first (written aside, then renamed), so a crash never leaves half a file.
    /// </summary>
    public long Replace(DeclarativeConfig config, JsonObject? document = null)
    {
        lock (_replaceLock)
        {
            if (_persistPath is not null && document is not null)
            {
                var temporary = _persistPath + ".tmp";
                File.WriteAllText(temporary, document.ToJsonString());
                File.Move(temporary, _persistPath, overwrite: true);
            }

            var next = new DeclarativeState(_state.Version + 1, config, _registry);
            Volatile.Write(ref _state, next);
            return next.Version;
        }
    }

    private static DeclarativeConfig Empty(SchemaRegistry registry) =>
        new("3.0", "", [.. EntityOrder.Sort(registry).Select(s => new KeyValuePair<string, IReadOnlyList<JsonObject>>(s.Name, []))]);

    private DeclarativeState State => Volatile.Read(ref _state);

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<JsonObject?> GetAsync(string entity, string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Copy(State.Get(entity, id)));

    /// <inheritdoc/>
    public Task<JsonObject?> GetByFieldAsync(string entity, string field, string value, CancellationToken cancellationToken = default) =>
        Task.FromResult(Copy(State.GetByField(entity, field, value)));

    /// <inheritdoc/>
    public Task<StorePage> ListAsync(string entity, ListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Size, 1);
        var after = query.Offset is null ? null : PageOffset.DecodeId(query.Offset);
        IEnumerable<JsonObject> rows = State.Rows(entity);
        if (after is not null)
        {
            rows = rows.Where(r => string.CompareOrdinal(DeclarativeState.Id(r), after) > 0);
        }

        if (query.ForeignField is { } foreignField)
        {
            rows = rows.Where(r => r[foreignField] is JsonObject reference && reference["id"]?.GetValue<string>() == query.ForeignId);
        }

        if (query.Tags is { Tags.Count: > 0 } filter)
        {
            rows = rows.Where(r => Matches(r, filter));
        }

        var page = rows.Take(query.Size + 1).ToList();
        var more = page.Count > query.Size;
        var data = page.Take(query.Size).Select(r => Copy(r)!).ToList();
        return Task.FromResult(new StorePage(data, more ? PageOffset.Encode(DeclarativeState.Id(data[^1])) : null));
    }

    private static bool Matches(JsonObject row, TagFilter filter)
    {
        var tags = row["tags"] is JsonArray array ? array.OfType<JsonValue>().Select(t => t.GetValue<string>()).ToHashSet(StringComparer.Ordinal) : [];
        return filter.MatchAll ? filter.Tags.All(tags.Contains) : filter.Tags.Any(tags.Contains);
    }

    /// <summary>None: a declarative config has no database; DB-less nodes keep their audit log in an SQLite file of their own.</summary>
    public IAuditLog? OpenAuditLog(AuditPolicy policy) => null;

    /// <inheritdoc/>
    public Task<StoreWriteResult> InsertAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default) => Unsupported("create", entity);

    /// <inheritdoc/>
    public Task<StoreWriteResult> UpdateAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default) => Unsupported("update", entity);

    /// <inheritdoc/>
    public Task<StoreWriteResult> UpsertAsync(string entity, JsonObject row, AuditStamp? stamp = null, CancellationToken cancellationToken = default) => Unsupported("create or update", entity);

    /// <inheritdoc/>
    public Task<StoreWriteResult> DeleteAsync(string entity, string id, AuditStamp? stamp = null, CancellationToken cancellationToken = default) => Unsupported("remove", entity);

    /// <inheritdoc/>
    public Task<long> GetVersionAsync(CancellationToken cancellationToken = default) => Task.FromResult(State.Version);

    /// <summary>There is no change log: a new config replaces everything, and readers reload it whole.</summary>
    public Task<IReadOnlyList<ConfigChange>> GetChangesSinceAsync(long version, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ConfigChange>>([]);

    /// <inheritdoc/>
    public Task<TagPage> ListTagsAsync(string? tag, int size, string? offset, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var after = offset is null ? null : PageOffset.DecodeKey(offset, 3);
        IEnumerable<TagRow> rows = State.Tags;
        if (tag is not null)
        {
            rows = rows.Where(r => r.Tag == tag);
        }

        if (after is not null)
        {
            rows = rows.Where(r => Compare(r, after) > 0);
        }

        var page = rows.Take(size + 1).ToList();
        var data = page.Take(size).ToList();
        return Task.FromResult(new TagPage(data, page.Count > size ? PageOffset.Encode([data[^1].Tag, data[^1].EntityName, data[^1].EntityId]) : null));
    }

    private static int Compare(TagRow row, string[] key)
    {
        var result = string.CompareOrdinal(row.Tag, key[0]);
        result = result != 0 ? result : string.CompareOrdinal(row.EntityName, key[1]);
        return result != 0 ? result : string.CompareOrdinal(row.EntityId, key[2]);
    }

    /// <summary>Always: the config is in memory.</summary>
    public Task<bool> IsReachableAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Kong's refusal of a write with no database (code 12).</summary>
    private static Task<StoreWriteResult> Unsupported(string operation, string entity) =>
        Task.FromResult(StoreWriteResult.Refused(new WriteRefusal.OperationUnsupported(operation, entity)));

    /// <summary>Callers may modify what they get (the Admin API does); the served rows stay untouched.</summary>
    private static JsonObject? Copy(JsonObject? row) => (JsonObject?)row?.DeepClone();
}

using System.Collections.Concurrent;
using System.Text;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Tests.Storage.Cassandra;

namespace Gateway.Tests.Node.Cli;

/// <summary>
/// Test scaffolding on <see cref="FakeCqlServer"/>: answers the statements <c>migrations</c> and node start-up send
/// (system_schema.tables, the schema_migrations log, CREATE ... IF NOT EXISTS and the schema agreement queries),
/// remembering which tables were created and which migrations recorded. It serves no config entity: it shows what
/// the gateway sends and how it reads the answers, not that Cassandra accepts the statements.
/// </summary>
internal sealed class FakeMigrationsCassandra : IAsyncDisposable
{
    private static readonly (string, CqlType)[] Applied = [("[applied]", CqlType.Boolean)];
    private static readonly Guid SchemaVersion = Guid.Parse("5e4a0000-0000-0000-0000-000000000001");

    private readonly ConcurrentDictionary<string, string> _prepared = new();
    private readonly ConcurrentDictionary<string, byte> _tables = new();
    private readonly ConcurrentDictionary<string, byte> _recorded = new();
    private int _nextId;

    private FakeMigrationsCassandra(byte[]? requiredToken)
    {
        Server = FakeCqlServer.Start(HandleAsync, requiredToken: requiredToken);
    }

    public FakeCqlServer Server { get; }

    public int Port => Server.Port;

    /// <summary>Every QUERY (unprepared statement) text, in arrival order: the DDL and the schema agreement polls.</summary>
    public ConcurrentQueue<string> Queries { get; } = new();

    /// <summary>The tables created so far (unqualified).</summary>
    public IReadOnlyCollection<string> Tables => [.. _tables.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The migrations recorded in schema_migrations.</summary>
    public IReadOnlyCollection<string> Recorded => [.. _recorded.Keys.Order(StringComparer.Ordinal)];

    public static FakeMigrationsCassandra Start(byte[]? requiredToken = null) => new(requiredToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private Task HandleAsync(FakeCqlRequest request)
    {
        switch (request.Opcode)
        {
            case CqlOpcode.Query:
                var text = request.Text;
                Queries.Enqueue(text);
                return QueryAsync(request, text);
            case CqlOpcode.Prepare:
                var id = Encoding.ASCII.GetBytes($"p{Interlocked.Increment(ref _nextId)}");
                var statement = request.Text;
                _prepared[Convert.ToHexStringLower(id)] = statement;
                (string, CqlType)[] binds = [], results = [("name", CqlType.Text)];
                if (statement.Contains("system_schema.tables", StringComparison.Ordinal))
                {
                    binds = [("keyspace_name", CqlType.Text)];
                    results = [("table_name", CqlType.Text)];
                }
                else if (statement.StartsWith("INSERT INTO", StringComparison.Ordinal))
                {
                    binds = [("name", CqlType.Text), ("executed_at", CqlType.Timestamp)];
                    results = Applied;
                }

                return request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Prepared(id, binds, results));
            case CqlOpcode.Execute:
                return ExecuteAsync(request, _prepared[request.Text]);
            default:
                return request.ErrorAsync(0x000A, $"unexpected {request.Opcode}");
        }
    }

    private Task QueryAsync(FakeCqlRequest request, string text)
    {
        if (text.StartsWith("SELECT schema_version FROM system.local", StringComparison.Ordinal))
        {
            return request.RowsAsync([("schema_version", CqlType.Uuid)], [SchemaVersion]);
        }

        if (text.StartsWith("SELECT peer, schema_version FROM system.peers", StringComparison.Ordinal))
        {
            return request.RowsAsync([("peer", CqlType.Text), ("schema_version", CqlType.Uuid)]);
        }

        if (text.StartsWith("CREATE KEYSPACE", StringComparison.Ordinal))
        {
            return request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.SchemaChange("gateway", ""));
        }

        if (text.StartsWith("CREATE TABLE IF NOT EXISTS", StringComparison.Ordinal))
        {
            // CREATE TABLE IF NOT EXISTS "ks".name (...)
            var qualified = text["CREATE TABLE IF NOT EXISTS ".Length..text.IndexOf(' ', "CREATE TABLE IF NOT EXISTS ".Length)];
            var table = qualified[(qualified.LastIndexOf('.') + 1)..];
            _tables[table] = 0;
            return request.ReplyAsync(CqlOpcode.Result, FakeCqlReplies.SchemaChange("gateway", table));
        }

        if (text.Contains("IF NOT EXISTS", StringComparison.Ordinal))
        {
            return request.RowsAsync(Applied, [true]);
        }

        return request.ErrorAsync(0x2200, $"the fake does not know: {text}");
    }

    private Task ExecuteAsync(FakeCqlRequest request, string statement)
    {
        if (statement.Contains("system_schema.tables", StringComparison.Ordinal))
        {
            return request.RowsAsync([("table_name", CqlType.Text)], [.. Tables.Select(t => new object?[] { t })]);
        }

        if (statement.StartsWith("INSERT INTO", StringComparison.Ordinal))
        {
            // <id><consistency><flags><n><name><executed_at>...
            var reader = new CqlReader(request.Body);
            reader.ReadShortBytes();
            reader.ReadShort();
            reader.ReadByte();
            reader.ReadShort();
            var name = Encoding.UTF8.GetString(reader.ReadBytes()!);
            return request.RowsAsync(Applied, [_recorded.TryAdd(name, 0)]);
        }

        return request.RowsAsync([("name", CqlType.Text)], [.. Recorded.Select(n => new object?[] { n })]);
    }
}

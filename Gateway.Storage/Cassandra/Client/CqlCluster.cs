using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Storage.Cassandra.Client;

/// <summary>
/// A pool of one multiplexed connection per contact point. Requests go round-robin to hosts that are up; a host whose
/// connection fails is skipped until its backoff (doubling from ReconnectBaseDelay to ReconnectMaxDelay) expires,
/// and the request fails over to the next host. EXECUTE re-prepares once on UNPREPARED; DDL waits for schema agreement.
/// </summary>
public sealed class CqlCluster : IAsyncDisposable
{
    private readonly CqlHost[] _hosts;
    private readonly TimeProvider _time;
    private int _next = -1;

    /// <summary>A cluster over the contact points of <paramref name="options"/>; connects lazily.</summary>
    public CqlCluster(CqlClientOptions options, TimeProvider? time = null)
    {
        Options = options;
        _time = time ?? TimeProvider.System;
        _hosts = options.ContactPoints.Select(p => ParseContactPoint(p, options.Port)).ToArray();
        if (_hosts.Length == 0)
        {
            throw new ArgumentException("at least one Cassandra contact point is required", nameof(options));
        }
    }

    /// <summary>The settings.</summary>
    public CqlClientOptions Options { get; }

    /// <summary>Runs an unprepared QUERY with already-serialized values.</summary>
    public Task<CqlResponse> QueryAsync(string cql, IReadOnlyList<CqlValue>? values = null, CqlStatementOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(async (host, connection) =>
        {
            var body = CqlRequests.Query(cql, Parameters(options, values));
            var response = await connection.SendAsync(CqlOpcode.Query, body, null, cancellationToken);
            return await AfterAsync(connection, response, cancellationToken);
        }, cancellationToken);

    /// <summary>Prepares (once per host) and executes a statement, binding CLR values by the prepared types.</summary>
    public Task<CqlResponse> ExecuteAsync(string cql, IReadOnlyList<object?>? values = null, CqlStatementOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(async (host, connection) =>
        {
            var prepared = await PrepareOnAsync(host, connection, cql, cancellationToken);
            try
            {
                return await ExecutePreparedAsync(connection, prepared, values, options, cancellationToken);
            }
            catch (CqlUnpreparedException)
            {
                // The host lost the statement (restart or cache eviction): prepare again and retry once.
                host.Prepared.TryRemove(cql, out _);
                prepared = await PrepareOnAsync(host, connection, cql, cancellationToken);
                return await ExecutePreparedAsync(connection, prepared, values, options, cancellationToken);
            }
        }, cancellationToken);

    /// <summary>
    /// Runs the statements as one BATCH of <paramref name="type"/> (a logged batch applies all or none of them), each
    /// prepared once per host and bound by its prepared types.
    /// </summary>
    public Task<CqlResponse> BatchAsync(
        CqlBatchType type, IReadOnlyList<(string Cql, IReadOnlyList<object?> Values)> statements, CqlStatementOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(async (host, connection) =>
        {
            try
            {
                return await BatchOnAsync(host, connection, type, statements, options, cancellationToken);
            }
            catch (CqlUnpreparedException)
            {
                // As for a single statement: the host lost what it had prepared, so prepare again and retry once.
                host.Prepared.Clear();
                return await BatchOnAsync(host, connection, type, statements, options, cancellationToken);
            }
        }, cancellationToken);

    /// <summary>Executes a SELECT and follows paging states until the last page.</summary>
    public async Task<IReadOnlyList<object?[]>> ExecuteAllPagesAsync(string cql, IReadOnlyList<object?>? values = null, CqlStatementOptions? options = null, CancellationToken cancellationToken = default)
    {
        var rows = new List<object?[]>();
        var pageOptions = options ?? new CqlStatementOptions();
        while (true)
        {
            var page = await ExecuteAsync(cql, values, pageOptions, cancellationToken) as CqlRowsResult
                ?? throw new InvalidOperationException($"statement returned no rows result: {cql}");
            rows.AddRange(page.Rows);
            if (page.PagingState is null)
            {
                return rows;
            }
            pageOptions = pageOptions with { PagingState = page.PagingState };
        }
    }

    /// <summary>Closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (host.Connection is { } connection)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<CqlResponse> RunAsync(Func<CqlHost, CqlConnection, Task<CqlResponse>> request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, Exception>();
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_hosts.Length);
        for (var i = 0; i < _hosts.Length; i++)
        {
            var host = _hosts[(start + i) % _hosts.Length];
            if (host.NextAttempt > _time.GetUtcNow() && host.Connection is null)
            {
                var wait = host.NextAttempt - _time.GetUtcNow();
                errors[host.Name] = new CqlConnectionException(host.Name, $"down after {host.ConsecutiveFailures} failed attempts, next reconnect in {wait.TotalMilliseconds:0} ms (last error: {host.LastError?.Message})");
                continue;
            }
            try
            {
                var connection = await ConnectAsync(host, cancellationToken);
                return await request(host, connection);
            }
            catch (CqlConnectionException e)
            {
                MarkDown(host, e);
                errors[host.Name] = e;
            }
            catch (Exception e) when (e is CqlOverloadedException or CqlBootstrappingException)
            {
                // The coordinator cannot serve now; another host can.
                errors[host.Name] = e;
            }
        }
        throw new CqlNoHostAvailableException(errors);
    }

    private async Task<CqlConnection> ConnectAsync(CqlHost host, CancellationToken cancellationToken)
    {
        if (host.Connection is { IsClosed: false } open)
        {
            return open;
        }
        await host.ConnectLock.WaitAsync(cancellationToken);
        try
        {
            if (host.Connection is { IsClosed: false } raced)
            {
                return raced;
            }
            if (host.Connection is { } closed)
            {
                host.Connection = null;
                await closed.DisposeAsync();
            }
            try
            {
                host.Connection = await CqlConnection.OpenAsync(host.Address, host.Port, Options, cancellationToken);
            }
            catch (CqlServerException e)
            {
                // Bad credentials and the like arrive as server errors during the handshake.
                throw new CqlConnectionException(host.Name, e.Message, e);
            }
            host.ConsecutiveFailures = 0;
            host.NextAttempt = DateTimeOffset.MinValue;
            return host.Connection;
        }
        finally
        {
            host.ConnectLock.Release();
        }
    }

    private void MarkDown(CqlHost host, Exception error)
    {
        host.LastError = error;
        host.ConsecutiveFailures++;
        var factor = Math.Pow(2, Math.Min(host.ConsecutiveFailures - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(Options.ReconnectBaseDelay.Ticks * factor, Options.ReconnectMaxDelay.Ticks));
        host.NextAttempt = _time.GetUtcNow() + delay;
        if (host.Connection is { } connection)
        {
            host.Connection = null;
            _ = connection.DisposeAsync().AsTask();
        }
        // A restarted host has forgotten its prepared statements.
        host.Prepared.Clear();
    }

    private static async Task<CqlPreparedResult> PrepareOnAsync(CqlHost host, CqlConnection connection, string cql, CancellationToken cancellationToken)
    {
        if (host.Prepared.TryGetValue(cql, out var cached))
        {
            return cached;
        }
        var response = await connection.SendAsync(CqlOpcode.Prepare, CqlRequests.Prepare(cql), null, cancellationToken);
        var prepared = response as CqlPreparedResult
            ?? throw new CqlProtocolException($"PREPARE answered with {response.GetType().Name}");
        host.Prepared[cql] = prepared;
        return prepared;
    }

    private async Task<CqlResponse> ExecutePreparedAsync(CqlConnection connection, CqlPreparedResult prepared, IReadOnlyList<object?>? values, CqlStatementOptions? options, CancellationToken cancellationToken)
    {
        var body = CqlRequests.Execute(prepared.Id, Parameters(options, Bind(prepared, values)));
        var knownMetadata = prepared.ResultMetadata.NoMetadata ? null : prepared.ResultMetadata;
        var response = await connection.SendAsync(CqlOpcode.Execute, body, knownMetadata, cancellationToken);
        return await AfterAsync(connection, response, cancellationToken);
    }

    private async Task<CqlResponse> BatchOnAsync(
        CqlHost host, CqlConnection connection, CqlBatchType type, IReadOnlyList<(string Cql, IReadOnlyList<object?> Values)> statements,
        CqlStatementOptions? options, CancellationToken cancellationToken)
    {
        var entries = new List<CqlBatchEntry>(statements.Count);
        foreach (var (cql, values) in statements)
        {
            var prepared = await PrepareOnAsync(host, connection, cql, cancellationToken);
            entries.Add(CqlBatchEntry.ForPrepared(prepared.Id, Bind(prepared, values)));
        }

        var body = CqlRequests.Batch(type, entries, options?.Consistency ?? Options.Consistency, options?.SerialConsistency);
        var response = await connection.SendAsync(CqlOpcode.Batch, body, null, cancellationToken);
        return await AfterAsync(connection, response, cancellationToken);
    }

    /// <summary>The values serialized by the prepared statement's bind markers.</summary>
    private static CqlValue[] Bind(CqlPreparedResult prepared, IReadOnlyList<object?>? values)
    {
        var supplied = values ?? [];
        if (supplied.Count != prepared.BindColumns.Count)
        {
            throw new ArgumentException($"statement has {prepared.BindColumns.Count} bind markers but {supplied.Count} values were given");
        }
        var bound = new CqlValue[supplied.Count];
        for (var i = 0; i < bound.Length; i++)
        {
            var column = prepared.BindColumns[i];
            try
            {
                bound[i] = CqlValue.Of(column.Type, supplied[i]);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"bind marker {i} ({column.Name}): {e.Message}", e);
            }
        }
        return bound;
    }

    private CqlQueryParameters Parameters(CqlStatementOptions? options, IReadOnlyList<CqlValue>? values) => new()
    {
        Consistency = options?.Consistency ?? Options.Consistency,
        SerialConsistency = options?.SerialConsistency,
        PageSize = options?.PageSize,
        PagingState = options?.PagingState,
        DefaultTimestamp = options?.DefaultTimestamp,
        Values = values is { Count: > 0 } ? values : null,
    };

    private async Task<CqlResponse> AfterAsync(CqlConnection connection, CqlResponse response, CancellationToken cancellationToken)
    {
        if (response is CqlSchemaChangeResult)
        {
            await WaitForSchemaAgreementAsync(connection, cancellationToken);
        }
        return response;
    }

    /// <summary>Polls system.local and system.peers on the connection until every node reports one schema version.</summary>
    private async Task WaitForSchemaAgreementAsync(CqlConnection connection, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var versions = new HashSet<Guid>();
        while (true)
        {
            versions.Clear();
            foreach (var query in (string[])["SELECT schema_version FROM system.local WHERE key='local'", "SELECT peer, schema_version FROM system.peers"])
            {
                var body = CqlRequests.Query(query, new CqlQueryParameters { Consistency = CqlConsistency.One });
                if (await connection.SendAsync(CqlOpcode.Query, body, null, cancellationToken) is CqlRowsResult rows)
                {
                    var index = rows.IndexOf("schema_version");
                    foreach (var row in rows.Rows)
                    {
                        if (index >= 0 && row[index] is Guid version)
                        {
                            versions.Add(version);
                        }
                    }
                }
            }
            if (versions.Count <= 1)
            {
                return;
            }
            var waited = _time.GetUtcNow() - started;
            if (waited >= Options.SchemaAgreementTimeout)
            {
                throw new CqlSchemaAgreementException(waited, versions.ToList());
            }
            await Task.Delay(Options.SchemaAgreementInterval, _time, cancellationToken);
        }
    }

    private static CqlHost ParseContactPoint(string contactPoint, int defaultPort)
    {
        var text = contactPoint.Trim();
        var colon = text.LastIndexOf(':');
        // A bare IPv6 address has several colons and no port.
        if (colon > 0 && text.IndexOf(':') == colon && int.TryParse(text[(colon + 1)..], out var port))
        {
            return new CqlHost(text[..colon], port);
        }
        return new CqlHost(text.Trim('[', ']'), defaultPort);
    }
}

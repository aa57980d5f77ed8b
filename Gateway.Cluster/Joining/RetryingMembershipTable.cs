using Gateway.Storage.Cassandra.Store;
using Gateway.Storage.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using StackExchange.Redis;

namespace Gateway.Cluster.Joining;

/// <summary>
/// The configured membership table, whose set-up is retried for as long as the table does not answer. Orleans asks
/// for the set-up once and fails the silo's start when it throws; a node restarted while its database is down would
/// then exit, when it can serve its saved config and join once the database is back. Every other call goes straight
/// through: past the set-up, Orleans retries the table itself.
/// </summary>
/// <param name="inner">The table cluster_membership configures.</param>
/// <param name="membership">cluster_membership's value, for messages.</param>
internal sealed class RetryingMembershipTable(
    IMembershipTable inner, string membership, ClusterJoin join, IHostApplicationLifetime lifetime, ILogger<RetryingMembershipTable> logger)
    : IMembershipTable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(5);

    /// <summary>The table cluster_membership configures, which every call reaches.</summary>
    internal IMembershipTable Inner => inner;

    /// <inheritdoc/>
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <inheritdoc/>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var delay = FirstRetry;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await inner.InitializeMembershipTableAsync(tryInitTableVersion, stopping.Token);
                if (attempt > 1)
                {
                    logger.LogWarning("cluster_membership = {Kind}: the membership table answers again, joining the cluster", membership);
                }

                return;
            }
            catch (Exception e) when (IsUnreachable(e) && !stopping.IsCancellationRequested)
            {
                if (attempt == 1)
                {
                    logger.LogWarning(
                        "cluster_membership = {Kind}: the membership table does not answer ({Reason}); the node serves without the cluster and joins once it does",
                        membership, Reason(e));
                    join.OnTableUnreachable();
                }
                else
                {
                    logger.LogDebug("cluster_membership = {Kind}: attempt {Attempt} to reach the membership table failed: {Reason}", membership, attempt, Reason(e));
                }
            }

            await Task.Delay(delay, stopping.Token);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <inheritdoc/>
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <inheritdoc/>
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) =>
        inner.DeleteMembershipTableEntriesAsync(clusterId, cancellationToken);

    /// <inheritdoc/>
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <inheritdoc/>
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) =>
        inner.CleanupDefunctSiloEntriesAsync(beforeDate, cancellationToken);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => inner.ReadRowAsync(key, cancellationToken);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <inheritdoc/>
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <inheritdoc/>
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) =>
        inner.InsertRowAsync(entry, tableVersion, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <inheritdoc/>
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) =>
        inner.UpdateRowAsync(entry, etag, tableVersion, cancellationToken);

    /// <inheritdoc/>
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <inheritdoc/>
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) => inner.UpdateIAmAliveAsync(entry, cancellationToken);

    /// <summary>
    /// The server is not there (connection refused, timed out, shutting down): worth waiting for. Anything else (a wrong
    /// password, missing tables) stays a start-up failure.
    /// </summary>
    private static bool IsUnreachable(Exception e) =>
        StoreFailures.IsUnavailable(e) || CassandraFailures.IsUnavailable(e) || e is RedisConnectionException || e.InnerException is RedisConnectionException;

    /// <summary>The failure's message on one line, without the "cluster_membership = x: " a table's own message may start with.</summary>
    private string Reason(Exception e)
    {
        var message = string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var named = $"cluster_membership = {membership}: ";
        return message.StartsWith(named, StringComparison.Ordinal) ? message[named.Length..] : message;
    }
}

using Gateway.Node.Admin.Rbac;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Settings;
using Gateway.Schema;
using Gateway.Storage.Snapshot;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;

namespace Gateway.Node.Hosting;

/// <summary>
/// The config store a starting node opens, and what it checks before trusting it; every refusal is a
/// <see cref="NodeStartException"/> of one line.
/// </summary>
internal static class StartupStore
{
    /// <summary>
    /// The config store, checked (<see cref="OpenCheckedAsync"/>), then the prefix folder readied
    /// (<see cref="PrefixFolder.Prepare"/>): after the checks, so that a refusal is the only line and leaves every file
    /// as it found it. A prefix that cannot be readied is a one-line refusal too.
    /// </summary>
    public static async Task<IConfigStore> OpenAsync(
        GatewaySettings settings, SchemaRegistry registry, bool discardSnapshot, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            PrefixFolder.Create(settings.Prefix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unusable(settings.Prefix, e);
        }

        var store = await OpenCheckedAsync(settings, registry, discardSnapshot, logger, cancellationToken);
        await SeedRbacAsync(settings, registry, store, logger, cancellationToken);
        try
        {
            PrefixFolder.Prepare(settings.Prefix, logger);
            return store;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await store.DisposeAsync();
            throw Unusable(settings.Prefix, e);
        }
    }

    /// <summary>
    /// The config store, checked before the node trusts it. A database with a migration log must be bootstrapped and
    /// current. One that does not answer, or a corrupt SQLite file (left as it is), is served from the saved snapshot
    /// when there is one, read-only, and is a one-line refusal otherwise. An empty SQLite database (missing, 0 bytes,
    /// never written) beside a snapshot with rows is a lost database: a refusal naming both files and the way back,
    /// unless <paramref name="discardSnapshot"/>.
    /// </summary>
    private static async Task<IConfigStore> OpenCheckedAsync(
        GatewaySettings settings, SchemaRegistry registry, bool discardSnapshot, ILogger logger, CancellationToken cancellationToken)
    {
        if (settings.Database == DatabaseKind.Off)
        {
            var declarative = DeclarativeStoreLoader.Open(settings, registry);
            await declarative.InitializeAsync(cancellationToken);
            return declarative;
        }

        var snapshotPath = SnapshotFile.PathIn(settings.Prefix);
        var saved = SnapshotFile.TryRead(settings.Prefix, out var unreadable);
        if (unreadable is not null)
        {
            logger.LogWarning("the config snapshot {File} cannot be read ({Reason}): the node has none to fall back on until it saves the next one", snapshotPath, unreadable);
        }

        var noSnapshot = unreadable is null ? $"there is no config snapshot in {settings.Prefix}" : $"the config snapshot {snapshotPath} cannot be read";
        var sqlitePath = StoreFactory.SqlitePath(settings);
        var guardsLoss = settings.Database == DatabaseKind.Sqlite && saved is not null && !SnapshotFile.IsEmpty(saved);
        var lost = !File.Exists(sqlitePath) ? "is missing" : new FileInfo(sqlitePath).Length == 0 ? "is empty (0 bytes)" : null;
        if (guardsLoss && lost is not null)
        {
            // Before opening it, which would create it or write its tables.
            SetAsideOrRefuse(settings, saved!, sqlitePath, lost, discardSnapshot, logger);
            guardsLoss = false;
        }

        var opened = StoreFactory.Open(settings, registry);
        var (store, _, database, isUnavailable) = opened;
        long? version = null;
        try
        {
            if (await opened.NotReadyReasonAsync(cancellationToken) is { } reason)
            {
                throw new NodeStartException(reason);
            }

            if (guardsLoss)
            {
                version = await store.GetVersionAsync(cancellationToken);
            }
        }
        catch (Exception e) when (isUnavailable(e) && saved is not null)
        {
            // Start anyway: the refresher serves the saved snapshot until the database is back (or the file replaced).
        }
        catch (CorruptDatabaseFileException e)
        {
            await store.DisposeAsync();
            throw new NodeStartException($"{e.Message} and {noSnapshot} to serve from: restore it from a backup, or move it aside to start with an empty database", e);
        }
        catch (Exception e) when (isUnavailable(e))
        {
            await store.DisposeAsync();
            throw new NodeStartException($"cannot reach {database} and {noSnapshot}: {e.Message}");
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        if (version == 0)
        {
            try
            {
                SetAsideOrRefuse(settings, saved!, sqlitePath, "holds no config (version 0)", discardSnapshot, logger);
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
        }

        return store;
    }

    /// <summary>
    /// With RBAC enforced, the default roles (and, with <c>KONG_PASSWORD</c>, <c>kong_admin</c>) are seeded into a database
    /// that has no roles: the embedded SQLite database is created by its first start, with no bootstrap, and a database
    /// bootstrapped before RBAC existed has none. With <c>enforce_rbac = off</c> nothing is written, as before RBAC.
    /// A database that does not answer (the node serves its snapshot) gets them at a later start.
    /// </summary>
    private static async Task SeedRbacAsync(GatewaySettings settings, SchemaRegistry registry, IConfigStore store, ILogger logger, CancellationToken cancellationToken)
    {
        if (settings.Database == DatabaseKind.Off || settings.EnforceRbac == RbacMode.Off)
        {
            return;
        }

        try
        {
            await RbacDefaults.SeedAsync(store, new SchemaValidator(registry, TimeProvider.System), settings.AdminPassword, cancellationToken);
        }
        catch (Exception e) when (e is CorruptDatabaseFileException || StoreFailures.IsUnavailable(e))
        {
            logger.LogWarning("the default RBAC roles are not in the database yet: {Reason}", e.Message);
        }
    }

    /// <summary>An empty SQLite database beside a snapshot with rows: refused, or with --discard-snapshot the snapshot set aside.</summary>
    private static void SetAsideOrRefuse(GatewaySettings settings, ConfigData saved, string sqlitePath, string lost, bool discardSnapshot, ILogger logger)
    {
        var snapshotPath = SnapshotFile.PathIn(settings.Prefix);
        if (!discardSnapshot)
        {
            throw new NodeStartException(
                $"{sqlitePath} {lost}, but {snapshotPath} holds {SnapshotFile.Describe(saved)}: restore it with "
                + $"'gateway config db_import {snapshotPath}' (with this start's settings; consumers and their credentials are not in a snapshot), "
                + "or start with an empty database on purpose with 'gateway start --discard-snapshot'");
        }

        string aside;
        try
        {
            aside = SnapshotFile.SetAside(settings.Prefix);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NodeStartException($"--discard-snapshot: cannot set {snapshotPath} aside: {e.Message}", e);
        }

        logger.LogWarning(
            "--discard-snapshot: {Database} {Lost}; the config snapshot ({Config}) is set aside as {Aside}, and the node starts with an empty database",
            sqlitePath,
            lost,
            SnapshotFile.Describe(saved),
            aside);
    }

    private static NodeStartException Unusable(string prefix, Exception e) => new($"cannot use the prefix {prefix}: {e.Message}", e);
}

using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Admin.Rbac;
using Gateway.Node.Audit;
using Gateway.Node.Config;
using Gateway.Node.Declarative;
using Gateway.Node.Hosting;
using Gateway.Node.Pipeline;
using Gateway.Node.Plugins;
using Gateway.Node.Settings;
using Gateway.Schema;
using Gateway.Storage.Cassandra.Client;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Entities;
using Gateway.Storage.Migrations;
using Gateway.Storage.Sqlite;
using Gateway.Storage.Store;

namespace Gateway.Node.Cli;

/// <summary>
/// The <c>gateway</c> executable's commands: start (default), migrations, health, version. Every
/// failure the operator can fix ends with one line on stderr and a non-zero exit code.
/// </summary>
public static class CommandRunner
{
    /// <summary>Runs the command named by <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var commandLine = CommandLine.Parse(args);
            if (commandLine.Command == GatewayCommand.Help)
            {
                Console.WriteLine(CommandLine.Usage);
                return 0;
            }

            if (commandLine.Command == GatewayCommand.Version)
            {
                Console.WriteLine($"gateway {typeof(CommandRunner).Assembly.GetName().Version?.ToString(3)} (Kong {NodeIdentity.KongVersion} Admin API)");
                return 0;
            }

            var settings = SettingsLoader.Load(commandLine);
            return commandLine.Command switch
            {
                GatewayCommand.Start => await StartAsync(settings, commandLine.DiscardSnapshot),
                GatewayCommand.Migrations => await MigrationsAsync(settings, commandLine.Subcommand),
                GatewayCommand.Health => await HealthAsync(settings),
                GatewayCommand.Config => await ConfigCommand.RunAsync(settings, commandLine, Console.Out, Console.Error),
                GatewayCommand.Audit => await AuditCommand.RunAsync(settings, commandLine, Console.Out, Console.Error),
                _ => Fail($"command '{commandLine.Command.ToString().ToLowerInvariant()}' is not available yet"),
            };
        }
        catch (Exception e) when (e is SettingsException or NodeStartException)
        {
            return Fail(e.Message);
        }
    }

    private static async Task<int> StartAsync(GatewaySettings settings, bool discardSnapshot)
    {
        await using var node = await GatewayNode.StartAsync(settings, discardSnapshot);
        await node.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// <c>migrations bootstrap|up|list</c>. SQLite creates its schema in place, so every subcommand
    /// brings it to the current version. PostgreSQL and Cassandra keep a migration log: bootstrap fills an
    /// empty database (on Cassandra, creates the keyspace from the replication settings first), up applies
    /// what is pending, list shows both and exits as Kong's does (0 up to date, 3 needs bootstrap, 5 pending).
    /// </summary>
    private static async Task<int> MigrationsAsync(GatewaySettings settings, string? subcommand)
    {
        switch (settings.Database)
        {
            case DatabaseKind.Sqlite:
                PrefixFolder.Create(settings.Prefix);
                var registry = PluginCatalog.ForSetting(settings.Plugins).CreateRegistry();
                var path = StoreFactory.SqlitePath(settings);
                await using (var store = new SqliteConfigStore(path, registry, TimeProvider.System))
                {
                    try
                    {
                        await store.InitializeAsync();
                        if (subcommand != "list")
                        {
                            await SeedRbacAsync(store, registry, settings, subcommand);
                        }

                        Console.WriteLine(subcommand == "list" ? $"sqlite database {path} is up to date (config version {await store.GetVersionAsync()})" : "database is up to date");
                    }
                    catch (CorruptDatabaseFileException e)
                    {
                        return Fail($"{e.Message}: restore it from a backup, or move it aside");
                    }
                }

                return 0;
            case DatabaseKind.Postgres:
                var postgres = StoreFactory.Postgres(settings);
                await using (var dataSource = postgres.CreateDataSource())
                {
                    return await LoggedMigrationsAsync(new PostgresMigrationRunner(dataSource), StoreFactory.Describe(postgres), subcommand, settings);
                }

            case DatabaseKind.Cassandra:
                var cassandra = StoreFactory.Cassandra(settings);
                await using (var cluster = new CqlCluster(cassandra.ClientOptions()))
                {
                    return await LoggedMigrationsAsync(new CassandraMigrationRunner(cluster, cassandra), StoreFactory.Describe(cassandra), subcommand, settings);
                }

            default:
                return Fail($"migrations for database = {settings.Raw["database"]} are not available yet");
        }
    }

    /// <summary>
    /// The default RBAC roles, after bootstrap or up, and with <c>KONG_PASSWORD</c> at bootstrap the <c>kong_admin</c> user
    /// (<see cref="RbacDefaults"/>): as Kong's first migration seeds them, and never twice.
    /// </summary>
    private static Task SeedRbacAsync(IConfigStore store, SchemaRegistry registry, GatewaySettings settings, string? subcommand) =>
        RbacDefaults.SeedAsync(store, new SchemaValidator(registry, TimeProvider.System), subcommand == "bootstrap" ? settings.AdminPassword : null);

    /// <summary>
    /// The default RBAC roles (and the admin) into the database <paramref name="settings"/> names, once its schema is current.
    /// The schema is what the command is for: a failure here is one line on stderr, and the first start with RBAC enforced seeds them.
    /// </summary>
    private static async Task SeedRbacAsync(GatewaySettings settings, string? subcommand)
    {
        var registry = PluginCatalog.ForSetting(settings.Plugins).CreateRegistry();
        try
        {
            await using var store = StoreFactory.Open(settings, registry).Store;
            await SeedRbacAsync(store, registry, settings, subcommand);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"gateway: the default RBAC roles were not created ({OneLine(e.Message)}): the first start with enforce_rbac on creates them");
        }
    }

    /// <summary>The subcommands on a database with a migration log, described in messages as <paramref name="database"/>.</summary>
    private static async Task<int> LoggedMigrationsAsync(IMigrationRunner runner, string database, string? subcommand, GatewaySettings settings)
    {
        try
        {
            var state = await runner.GetStateAsync();
            switch (subcommand)
            {
                case "bootstrap":
                    if (!state.IsEmpty)
                    {
                        Console.WriteLine("database is already bootstrapped");
                        return 0;
                    }

                    var bootstrapped = await runner.UpAsync();
                    await SeedRbacAsync(settings, subcommand);
                    Console.WriteLine($"database bootstrapped: {string.Join(", ", bootstrapped)}");
                    return 0;
                case "up":
                    if (state.IsEmpty)
                    {
                        return Fail("database is empty: run 'gateway migrations bootstrap' first");
                    }

                    var applied = await runner.UpAsync();
                    await SeedRbacAsync(settings, subcommand);
                    Console.WriteLine(applied.Count == 0 ? "database is up to date" : $"migrations applied: {string.Join(", ", applied)}");
                    return 0;
                default:
                    Console.WriteLine($"executed migrations: {(state.Executed.Count == 0 ? "(none)" : string.Join(", ", state.Executed))}");
                    Console.WriteLine($"pending migrations: {(state.Pending.Count == 0 ? "(none)" : string.Join(", ", state.Pending))}");
                    if (state.IsEmpty)
                    {
                        Console.WriteLine("database needs bootstrap: run 'gateway migrations bootstrap'");
                        return 3;
                    }

                    if (state.Pending.Count > 0)
                    {
                        Console.WriteLine("database has pending migrations: run 'gateway migrations up'");
                        return 5;
                    }

                    Console.WriteLine("database is up to date");
                    return 0;
            }
        }
        catch (Exception e) when (runner.IsUnreachable(e))
        {
            return Fail($"cannot reach {database}: {OneLine(e.Message)}");
        }
        catch (ArgumentException e)
        {
            // Replication settings that cannot make a keyspace (NetworkTopologyStrategy without data centres).
            return Fail($"cannot create the keyspace of {database}: {OneLine(e.Message)}");
        }
        catch (CqlException e)
        {
            // A statement Cassandra refused (unauthorized, invalid) or schema agreement not reached in time: the
            // reason, not a stack trace. Every statement is idempotent, so running the command again is safe.
            return Fail($"migrations on {database} failed: {OneLine(e.Message)}");
        }
    }

    /// <summary>Server messages may span lines; the CLI's failure is one.</summary>
    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Asks the running node's status API whether it is up and its database reachable.</summary>
    private static async Task<int> HealthAsync(GatewaySettings settings)
    {
        var listener = settings.StatusListen.FirstOrDefault();
        if (listener is null)
        {
            return Fail("status_listen is off: nothing to ask");
        }

        var host = listener.Host switch
        {
            "0.0.0.0" or "*" => "127.0.0.1",
            var ip when listener.Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{ip}]",
            var name => name,
        };
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var body = JsonNode.Parse(await client.GetStringAsync($"http://{host}:{listener.Port}/status"));
            var reachable = body?["database"]?["reachable"]?.GetValue<bool>() == true;
            Console.WriteLine(reachable ? "gateway is healthy" : "gateway is running; its database is unreachable");
            return reachable ? 0 : 1;
        }
        catch (HttpRequestException e)
        {
            return Fail($"gateway is not running at {host}:{listener.Port}: {e.Message}");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"gateway: {message}");
        return 1;
    }
}

using Gateway.Node.Settings;
using Gateway.Storage.Audit;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Audit.Sinks;

/// <summary>The sink audit_log_sink names: an http(s) URL, or a file (a relative path is under prefix/, as Kong's log paths are).</summary>
public static class AuditSinks
{
    /// <summary>The sink, started; null when audit_log_sink is empty. The caller disposes it, which drains it.</summary>
    public static IAuditSink? Create(GatewaySettings settings, ILoggerFactory loggers)
    {
        if (settings.AuditLogSink is not { } target)
        {
            return null;
        }

        var logger = loggers.CreateLogger("Gateway.Audit.Sink");
        return SettingParsers.IsHttpUrl(target, out var endpoint)
            ? new AuditHttpSink(endpoint, logger)
            : new AuditFileSink(Path.Combine(settings.Prefix, target), settings.AuditLogSinkMaxSize, logger);
    }

    /// <summary>A sink that hands every record to <paramref name="first"/>, then to <paramref name="second"/> when there is one.</summary>
    public static IAuditSink Both(IAuditSink first, IAuditSink? second) => second is null ? first : new Pair(first, second);

    /// <summary>Drains and closes a sink <see cref="Create"/> or <see cref="Both"/> made.</summary>
    public static ValueTask DisposeAsync(IAuditSink? sink) => sink is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    private sealed class Pair(IAuditSink first, IAuditSink second) : IAuditSink, IAsyncDisposable
    {
        public void Written(IReadOnlyList<AuditEntry> entries)
        {
            first.Written(entries);
            second.Written(entries);
        }

        public async ValueTask DisposeAsync()
        {
            await AuditSinks.DisposeAsync(first);
            await AuditSinks.DisposeAsync(second);
        }
    }
}

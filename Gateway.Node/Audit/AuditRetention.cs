using Gateway.Storage.Audit;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Audit;

/// <summary>
/// Purges records past audit_log_record_ttl on a timer, whatever the store (Kong's PostgreSQL purge runs only on insert,
/// so a quiet log outlived its TTL). Every node runs it; the store's write lock makes concurrent purges harmless.
/// </summary>
public sealed partial class AuditRetention : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <summary>Purges <paramref name="log"/> every <paramref name="interval"/>, the first time at once.</summary>
    public AuditRetention(IAuditLog log, TimeSpan interval, TimeProvider time, ILogger logger) =>
        _loop = Task.Run(() => RunAsync(log, interval, time, logger, _stopping.Token));

    /// <summary>Stops the timer.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }

    private static async Task RunAsync(IAuditLog log, TimeSpan interval, TimeProvider time, ILogger logger, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await log.PurgeExpiredAsync(stopping) is var purged and > 0)
                {
                    LogPurged(logger, purged);
                }

                await Task.Delay(interval, time, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogFailed(logger, e.GetType().Name, e.Message);
                try
                {
                    await Task.Delay(interval, time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "audit log: purged {Count} records past their TTL")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "audit log: purge failed, retried later: {Type}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string type, string reason);
}

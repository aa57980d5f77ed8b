using System.Diagnostics;

namespace Gateway.Node.Config;

/// <summary>
/// Where one refresh spent its time, stage by stage, for the debug log (<c>log_level = debug</c>): how long the push
/// that asked for it waited for the reload lock, the change-log read, the rows re-read, the snapshot build (the
/// router's share apart) with its swap, and the GC pauses meanwhile. Timestamps are <see cref="Stopwatch"/> ticks
/// (CLOCK_MONOTONIC on Linux, one clock for every process of the machine), so a bench can line up the push a writer
/// sent with the refresh it caused on another node. Off, it costs one check of the log level.
/// </summary>
internal sealed partial class RefreshTimings
{
    private readonly long _asked;
    private readonly TimeSpan _pausedBefore = GC.GetTotalPauseDuration();
    private long _locked;
    private long _changesRead;
    private long _rowsRead;

    private RefreshTimings(long asked)
    {
        _asked = asked;
    }

    /// <summary>Starts timing a refresh asked for at <paramref name="asked"/> (a push's arrival, or now); null when debug logging is off.</summary>
    public static RefreshTimings? Start(ILogger logger, long asked) =>
        logger.IsEnabled(LogLevel.Debug) ? new RefreshTimings(asked == 0 ? Stopwatch.GetTimestamp() : asked) : null;

    /// <summary>The reload lock is held.</summary>
    public void Locked() => _locked = Stopwatch.GetTimestamp();

    /// <summary>The change log was read.</summary>
    public void ChangesRead() => _changesRead = Stopwatch.GetTimestamp();

    /// <summary>The changed rows were re-read.</summary>
    public void RowsRead() => _rowsRead = Stopwatch.GetTimestamp();

    /// <summary>Logs the stages of the refresh that made <paramref name="live"/> the served snapshot.</summary>
    public void Published(ILogger logger, ConfigSnapshot live, int changes)
    {
        var now = Stopwatch.GetTimestamp();
        LogStages(
            logger,
            live.Version,
            Milliseconds(_asked, now),
            Milliseconds(_asked, _locked),
            Milliseconds(_locked, _changesRead),
            changes,
            Milliseconds(_changesRead, _rowsRead),
            Milliseconds(_rowsRead, now),
            live.RouterBuildTime.TotalMilliseconds,
            (GC.GetTotalPauseDuration() - _pausedBefore).TotalMilliseconds,
            _asked,
            now);
    }

    private static double Milliseconds(long from, long to) => from == 0 || to == 0 ? 0 : Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "config version {Version} live {Total:F2} ms after it was asked for: lock wait {Queued:F2} ms, change log {ChangeLog:F2} ms " +
            "({Changes} changes), rows {Rows:F2} ms, snapshot build and swap {Build:F2} ms (router {Router:F2} ms), GC pauses {Gc:F2} ms " +
            "[asked {Asked}, live {Live}]")]
    private static partial void LogStages(
        ILogger logger, long version, double total, double queued, double changeLog, int changes, double rows, double build, double router, double gc,
        long asked, long live);
}

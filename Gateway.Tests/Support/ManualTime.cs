namespace Gateway.Tests.Support;

/// <summary>A clock that moves only when a test advances it (timestamps in ticks, starting at an arbitrary point).</summary>
public sealed class ManualTime : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    /// <summary>Moves the clock on.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

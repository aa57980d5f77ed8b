namespace StreamLoad;

/// <summary>Errors counted across the load's tasks, with the first one's kind kept for the result line.</summary>
internal sealed class Errors
{
    private int _count;
    private string? _first;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The first error, one word (a socket error code or the exception type), or "-".</summary>
    public string First => Volatile.Read(ref _first) ?? "-";

    public void Add(Exception e)
    {
        Interlocked.Increment(ref _count);
        Interlocked.CompareExchange(ref _first, e is System.Net.Sockets.SocketException s ? s.SocketErrorCode.ToString() : e.GetType().Name, null);
    }
}

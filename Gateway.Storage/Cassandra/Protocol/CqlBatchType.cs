namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>BATCH types (spec section 4.1.7).</summary>
public enum CqlBatchType : byte
{
    /// <summary>Logged (atomic) batch.</summary>
    Logged = 0,

    /// <summary>Unlogged batch.</summary>
    Unlogged = 1,

    /// <summary>Counter batch.</summary>
    Counter = 2,
}

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>The &lt;query_parameters&gt; of QUERY and EXECUTE (spec section 4.1.4).</summary>
public sealed record CqlQueryParameters
{
    /// <summary>Consistency of the request.</summary>
    public CqlConsistency Consistency { get; init; } = CqlConsistency.One;

    /// <summary>Positional bound values; null sends no VALUES flag.</summary>
    public IReadOnlyList<CqlValue>? Values { get; init; }

    /// <summary>Asks the server not to repeat result metadata (flag 0x02).</summary>
    public bool SkipMetadata { get; init; }

    /// <summary>Rows per page; null lets the server decide (no flag).</summary>
    public int? PageSize { get; init; }

    /// <summary>Resume after the page that returned this state.</summary>
    public byte[]? PagingState { get; init; }

    /// <summary>SERIAL or LOCAL_SERIAL for the Paxos phase of a lightweight transaction.</summary>
    public CqlConsistency? SerialConsistency { get; init; }

    /// <summary>Write timestamp in microseconds since the epoch.</summary>
    public long? DefaultTimestamp { get; init; }

    /// <summary>Writes the consistency, the flags byte and the parts the flags announce, in spec order.</summary>
    public void Write(CqlWriter writer)
    {
        writer.WriteShort((ushort)Consistency);
        byte flags = 0;
        if (Values is not null)
        {
            flags |= 0x01;
        }
        if (SkipMetadata)
        {
            flags |= 0x02;
        }
        if (PageSize is not null)
        {
            flags |= 0x04;
        }
        if (PagingState is not null)
        {
            flags |= 0x08;
        }
        if (SerialConsistency is not null)
        {
            flags |= 0x10;
        }
        if (DefaultTimestamp is not null)
        {
            flags |= 0x20;
        }
        writer.WriteByte(flags);
        if (Values is not null)
        {
            writer.WriteShort((ushort)Values.Count);
            foreach (var value in Values)
            {
                writer.WriteValue(value);
            }
        }
        if (PageSize is { } pageSize)
        {
            writer.WriteInt(pageSize);
        }
        if (PagingState is not null)
        {
            writer.WriteBytes(PagingState);
        }
        if (SerialConsistency is { } serial)
        {
            writer.WriteShort((ushort)serial);
        }
        if (DefaultTimestamp is { } timestamp)
        {
            writer.WriteLong(timestamp);
        }
    }
}

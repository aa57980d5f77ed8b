namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>The &lt;metadata&gt; of a Rows result or of a Prepared result's result part (spec 4.2.5.2).</summary>
/// <param name="ColumnCount">Columns per row, also when the columns are not described.</param>
/// <param name="Columns">Column specs; empty when NO_METADATA was set.</param>
/// <param name="PagingState">State to fetch the next page, when HAS_MORE_PAGES was set.</param>
/// <param name="NoMetadata">True when the server left the column specs out.</param>
public sealed record CqlResultMetadata(int ColumnCount, IReadOnlyList<CqlColumn> Columns, byte[]? PagingState, bool NoMetadata)
{
    /// <summary>Reads rows metadata.</summary>
    public static CqlResultMetadata Read(ref CqlReader reader)
    {
        var flags = reader.ReadInt();
        var count = reader.ReadInt();
        var pagingState = (flags & 0x02) != 0 ? reader.ReadBytes() : null;
        if ((flags & 0x04) != 0)
        {
            return new CqlResultMetadata(count, [], pagingState, true);
        }
        return new CqlResultMetadata(count, ReadColumns(ref reader, flags, count), pagingState, false);
    }

    /// <summary>Reads column specs, with a global table spec when flag 0x01 is set.</summary>
    public static IReadOnlyList<CqlColumn> ReadColumns(ref CqlReader reader, int flags, int count)
    {
        string? globalKeyspace = null, globalTable = null;
        if ((flags & 0x01) != 0)
        {
            globalKeyspace = reader.ReadString();
            globalTable = reader.ReadString();
        }
        // A column spec takes at least 4 bytes (a name and a type): the capacity follows the body, not the count.
        var columns = new List<CqlColumn>(Math.Clamp(count, 0, reader.Remaining / 4));
        for (var i = 0; i < count; i++)
        {
            var keyspace = globalKeyspace ?? reader.ReadString();
            var table = globalTable ?? reader.ReadString();
            var name = reader.ReadString();
            columns.Add(new CqlColumn(keyspace, table, name, CqlType.Read(ref reader)));
        }
        return columns;
    }
}

using System.Globalization;
using System.Text;

namespace Gateway.Storage.Cassandra.Store;

/// <summary>The CREATE KEYSPACE statement of <c>migrations bootstrap</c>, from the replication settings.</summary>
public static class CassandraKeyspace
{
    /// <summary>
    /// CREATE KEYSPACE IF NOT EXISTS with SimpleStrategy and cassandra_repl_factor, or NetworkTopologyStrategy and
    /// one replication factor per "dc:factor" entry of cassandra_data_centers.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown strategy, bad factor, or malformed data centre entry.</exception>
    public static string CreateStatement(CassandraSettings settings)
    {
        var replication = new StringBuilder();
        switch (settings.ReplicationStrategy)
        {
            case "SimpleStrategy":
                if (settings.ReplicationFactor < 1)
                {
                    throw new ArgumentException($"cassandra_repl_factor must be at least 1, got {settings.ReplicationFactor}");
                }
                replication.Append(CultureInfo.InvariantCulture, $"'class': 'SimpleStrategy', 'replication_factor': {settings.ReplicationFactor}");
                break;
            case "NetworkTopologyStrategy":
                if (settings.DataCenters.Count == 0)
                {
                    throw new ArgumentException("cassandra_data_centers must name at least one data centre for NetworkTopologyStrategy");
                }
                replication.Append("'class': 'NetworkTopologyStrategy'");
                foreach (var entry in settings.DataCenters)
                {
                    var parts = entry.Split(':');
                    if (parts.Length != 2 || parts[0].Trim().Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var factor) || factor < 1)
                    {
                        throw new ArgumentException($"invalid cassandra_data_centers entry '{entry}': expected <dc_name>:<repl_factor>");
                    }
                    replication.Append(CultureInfo.InvariantCulture, $", '{parts[0].Trim().Replace("'", "''", StringComparison.Ordinal)}': {factor}");
                }
                break;
            default:
                throw new ArgumentException($"cassandra_repl_strategy must be SimpleStrategy or NetworkTopologyStrategy, got '{settings.ReplicationStrategy}'");
        }
        return $"CREATE KEYSPACE IF NOT EXISTS {Quote(settings.Keyspace)} WITH replication = {{{replication}}}";
    }

    /// <summary>A quoted CQL identifier.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

using System.Globalization;
using System.Net;
using Gateway.Storage.Cassandra.Protocol;
using Gateway.Storage.Cassandra.Store;
using Orleans;
using Orleans.Runtime;

namespace Gateway.Cluster.Membership.Cassandra;

/// <summary>
/// A <see cref="MembershipEntry"/> as the cells of one clustering row of the membership table, and back. The layout
/// follows Orleans' own Cassandra provider: the silo address split into address, port and generation (the clustering
/// key), the status as its integer value, timestamps at millisecond precision (what a CQL timestamp holds), and the
/// suspect times as "silo,date|silo,date" with Orleans' parsable silo addresses and its "yyyy-MM-dd HH:mm:ss.fff GMT"
/// dates. Role name and zones, which Orleans' provider drops, are kept too.
/// </summary>
public static class MembershipRowCodec
{
    private const string DateFormat = "yyyy-MM-dd HH:mm:ss.fff 'GMT'";

    /// <summary>The clustering key: one row per silo incarnation.</summary>
    public static IReadOnlyList<(string Name, CqlType Type)> KeyColumns => CassandraMembershipSchema.KeyColumns;

    /// <summary>The entry's other fields, in the order <see cref="EntryValues"/> gives them.</summary>
    public static IReadOnlyList<(string Name, CqlType Type)> EntryColumns => CassandraMembershipSchema.EntryColumns;

    /// <summary>The clustering key values of <paramref name="silo"/>, in <see cref="KeyColumns"/> order.</summary>
    public static object?[] KeyValues(SiloAddress silo) =>
        [silo.Endpoint.Address.ToString(), silo.Endpoint.Port, silo.Generation];

    /// <summary>The values of <paramref name="entry"/>, in <see cref="EntryColumns"/> order.</summary>
    public static object?[] EntryValues(MembershipEntry entry) =>
    [
        entry.SiloName,
        entry.HostName,
        (int)entry.Status,
        entry.ProxyPort,
        entry.RoleName,
        entry.UpdateZone,
        entry.FaultZone,
        FormatSuspectTimes(entry.SuspectTimes),
        Utc(entry.StartTime),
        Utc(entry.IAmAliveTime),
    ];

    /// <summary>
    /// The entry a row holds, reading each cell by column name; null for a row that is not a whole entry (the static
    /// version row of an empty partition, or a heartbeat that landed after its row was deleted).
    /// </summary>
    public static MembershipEntry? ToEntry(Func<string, object?> cell)
    {
        if (cell("address") is not string address || cell("port") is not int port || cell("generation") is not int generation
            || cell("status") is not int status || cell("start_time") is not DateTimeOffset startTime)
        {
            return null;
        }

        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Parse(address), port), generation),
            // Orleans always sets both; a null stays null rather than becoming "".
            SiloName = (cell("silo_name") as string)!,
            HostName = (cell("host_name") as string)!,
            Status = (SiloStatus)status,
            ProxyPort = cell("proxy_port") as int? ?? 0,
            RoleName = cell("role_name") as string,
            UpdateZone = cell("update_zone") as int? ?? 0,
            FaultZone = cell("fault_zone") as int? ?? 0,
            SuspectTimes = ParseSuspectTimes(cell("suspect_times") as string),
            StartTime = startTime.UtcDateTime,
            IAmAliveTime = (cell("i_am_alive_time") as DateTimeOffset?)?.UtcDateTime ?? default,
        };
    }

    /// <summary>
    /// When the entry last changed: its start, its last heartbeat or the latest suspicion vote (declaring a silo dead
    /// is a vote), whichever is latest. Cleanup keeps dead entries younger than this.
    /// </summary>
    public static DateTime LastUpdate(MembershipEntry entry)
    {
        var latest = Utc(entry.StartTime) > Utc(entry.IAmAliveTime) ? Utc(entry.StartTime) : Utc(entry.IAmAliveTime);
        foreach (var (_, voted) in entry.SuspectTimes ?? [])
        {
            if (Utc(voted) > latest)
            {
                latest = Utc(voted);
            }
        }

        return latest;
    }

    /// <summary>"silo,date|silo,date"; null for null, empty for an empty list.</summary>
    public static string? FormatSuspectTimes(List<Tuple<SiloAddress, DateTime>>? suspectTimes) =>
        suspectTimes is null
            ? null
            : string.Join('|', suspectTimes.Select(s => $"{s.Item1.ToParsableString()},{Utc(s.Item2).ToString(DateFormat, CultureInfo.InvariantCulture)}"));

    /// <summary>The inverse of <see cref="FormatSuspectTimes"/>.</summary>
    /// <exception cref="FormatException">A part is not "silo,date".</exception>
    public static List<Tuple<SiloAddress, DateTime>>? ParseSuspectTimes(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var result = new List<Tuple<SiloAddress, DateTime>>();
        foreach (var part in text.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.LastIndexOf(',');
            if (comma < 0)
            {
                throw new FormatException($"suspect time '{part}' is not 'silo,date'");
            }

            var when = DateTime.ParseExact(part[(comma + 1)..], DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            result.Add(Tuple.Create(SiloAddress.FromParsableString(part[..comma]), when));
        }

        return result;
    }

    /// <summary>Orleans' times are UTC; an unspecified kind is taken as UTC too, not as local time.</summary>
    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        _ => time,
    };
}

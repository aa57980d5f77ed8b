using System.Net;
using Gateway.Cluster.Membership.Cassandra;
using Gateway.Storage.Cassandra.Protocol;
using Orleans;
using Orleans.Runtime;

namespace Gateway.Tests.Cluster.Membership;

/// <summary>
/// A membership entry to the cells of its row and back, each cell serialized to the bytes of its declared CQL type and
/// decoded again, as a row written and read through the client would be.
/// </summary>
public sealed class MembershipRowCodecTests
{
    private static readonly SiloAddress Silo = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 7946), 123456789);
    private static readonly SiloAddress Voter = SiloAddress.New(new IPEndPoint(IPAddress.Parse("10.0.0.8"), 7947), 987654321);

    [Fact]
    public void RoundTrip_FullEntry_KeepsEveryField()
    {
        var entry = new MembershipEntry
        {
            SiloAddress = Silo,
            SiloName = "node-a",
            HostName = "gw-a.example",
            Status = SiloStatus.ShuttingDown,
            ProxyPort = 30000,
            RoleName = "gateway",
            UpdateZone = 3,
            FaultZone = 5,
            SuspectTimes =
            [
                Tuple.Create(Voter, new DateTime(2026, 11, 27, 4, 1, 2, 345, DateTimeKind.Utc)),
                Tuple.Create(Silo, new DateTime(2026, 11, 27, 4, 1, 3, 0, DateTimeKind.Utc)),
            ],
            StartTime = new DateTime(2026, 11, 27, 3, 59, 58, 1, DateTimeKind.Utc),
            IAmAliveTime = new DateTime(2026, 11, 27, 4, 0, 30, 999, DateTimeKind.Utc),
        };

        var back = RoundTrip(entry)!;

        Assert.Equal(Silo, back.SiloAddress);
        Assert.Equal(123456789, back.SiloAddress.Generation);
        Assert.Equal("node-a", back.SiloName);
        Assert.Equal("gw-a.example", back.HostName);
        Assert.Equal(SiloStatus.ShuttingDown, back.Status);
        Assert.Equal(30000, back.ProxyPort);
        Assert.Equal("gateway", back.RoleName);
        Assert.Equal(3, back.UpdateZone);
        Assert.Equal(5, back.FaultZone);
        Assert.Equal(entry.StartTime, back.StartTime);
        Assert.Equal(DateTimeKind.Utc, back.StartTime.Kind);
        Assert.Equal(entry.IAmAliveTime, back.IAmAliveTime);
        Assert.Equal(
            [(Voter, new DateTime(2026, 11, 27, 4, 1, 2, 345, DateTimeKind.Utc)), (Silo, new DateTime(2026, 11, 27, 4, 1, 3, 0, DateTimeKind.Utc))],
            back.SuspectTimes!.Select(s => (s.Item1, s.Item2)));
    }

    [Theory]
    [InlineData(SiloStatus.Created)]
    [InlineData(SiloStatus.Joining)]
    [InlineData(SiloStatus.Active)]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    [InlineData(SiloStatus.Dead)]
    public void RoundTrip_EachStatus_KeepsIt(SiloStatus status)
    {
        var back = RoundTrip(Entry(status))!;

        Assert.Equal(status, back.Status);
    }

    [Fact]
    public void RoundTrip_SubMillisecondTimes_TruncatedToTheMillisecondACqlTimestampHolds()
    {
        var entry = Entry(SiloStatus.Active);
        entry.StartTime = new DateTime(2026, 11, 27, 4, 0, 0, 123, DateTimeKind.Utc).AddTicks(4567);
        entry.IAmAliveTime = new DateTime(2026, 11, 27, 4, 0, 1, 456, DateTimeKind.Utc).AddTicks(9999);

        var back = RoundTrip(entry)!;

        Assert.Equal(new DateTime(2026, 11, 27, 4, 0, 0, 123, DateTimeKind.Utc), back.StartTime);
        Assert.Equal(new DateTime(2026, 11, 27, 4, 0, 1, 456, DateTimeKind.Utc), back.IAmAliveTime);
    }

    [Fact]
    public void RoundTrip_UnspecifiedKind_IsTakenAsUtcNotLocal()
    {
        var entry = Entry(SiloStatus.Active);
        entry.StartTime = new DateTime(2026, 11, 27, 4, 0, 0, DateTimeKind.Unspecified);

        var back = RoundTrip(entry)!;

        Assert.Equal(new DateTime(2026, 11, 27, 4, 0, 0, DateTimeKind.Utc), back.StartTime);
    }

    [Fact]
    public void RoundTrip_NoSuspectTimes_StaysNull()
    {
        var back = RoundTrip(Entry(SiloStatus.Active))!;

        Assert.Null(back.SuspectTimes);
    }

    [Fact]
    public void RoundTrip_EmptySuspectTimes_StaysEmpty()
    {
        var entry = Entry(SiloStatus.Active);
        entry.SuspectTimes = [];

        var back = RoundTrip(entry)!;

        Assert.NotNull(back.SuspectTimes);
        Assert.Empty(back.SuspectTimes);
    }

    [Fact]
    public void RoundTrip_IPv6Silo_KeepsAddress()
    {
        var entry = Entry(SiloStatus.Active);
        entry.SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Parse("fd00::1:2"), 7946), 42);
        entry.SuspectTimes = [Tuple.Create(entry.SiloAddress, new DateTime(2026, 11, 27, 4, 0, 0, DateTimeKind.Utc))];

        var back = RoundTrip(entry)!;

        Assert.Equal(entry.SiloAddress, back.SiloAddress);
        Assert.Equal(entry.SiloAddress, Assert.Single(back.SuspectTimes!).Item1);
    }

    [Fact]
    public void FormatSuspectTimes_WritesOrleansProviderFormat()
    {
        var when = new DateTime(2026, 11, 27, 4, 1, 2, 345, DateTimeKind.Utc);

        var text = MembershipRowCodec.FormatSuspectTimes([Tuple.Create(Voter, when), Tuple.Create(Silo, when.AddSeconds(1))]);

        // What Orleans' own Cassandra provider writes: parsable silo address, comma, LogFormatter date; '|' between.
        Assert.Equal($"{Voter.ToParsableString()},{LogFormatter.PrintDate(when)}|{Silo.ToParsableString()},{LogFormatter.PrintDate(when.AddSeconds(1))}", text);
        Assert.Equal("10.0.0.8:7947@987654321,2026-11-27 04:01:02.345 GMT|10.0.0.7:7946@123456789,2026-11-27 04:01:03.345 GMT", text);
    }

    [Fact]
    public void ParseSuspectTimes_ReadsOrleansProviderFormat()
    {
        var parsed = MembershipRowCodec.ParseSuspectTimes("10.0.0.8:7947@987654321,2026-11-27 04:01:02.345 GMT")!;

        var (silo, when) = Assert.Single(parsed);
        Assert.Equal(Voter, silo);
        Assert.Equal(new DateTime(2026, 11, 27, 4, 1, 2, 345, DateTimeKind.Utc), when);
        Assert.Equal(DateTimeKind.Utc, when.Kind);
    }

    [Fact]
    public void ParseSuspectTimes_MissingDate_Throws()
    {
        var error = Assert.Throws<FormatException>(() => MembershipRowCodec.ParseSuspectTimes("10.0.0.8:7947@1"));

        Assert.Equal("suspect time '10.0.0.8:7947@1' is not 'silo,date'", error.Message);
    }

    [Fact]
    public void ToEntry_StaticVersionRowOfEmptyPartition_IsNoEntry()
    {
        // An empty cluster's partition reads as one row holding only the static version.
        Assert.Null(MembershipRowCodec.ToEntry(name => name == "version" ? 3 : null));
    }

    [Fact]
    public void ToEntry_HeartbeatOnlyRow_IsNoEntry()
    {
        // A heartbeat written after its row was deleted leaves the key and i_am_alive_time, nothing else.
        var cells = new Dictionary<string, object?>
        {
            ["address"] = "10.0.0.7",
            ["port"] = 7946,
            ["generation"] = 1,
            ["i_am_alive_time"] = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000),
        };

        Assert.Null(MembershipRowCodec.ToEntry(name => cells.GetValueOrDefault(name)));
    }

    [Fact]
    public void LastUpdate_LatestOfStartHeartbeatAndVotes()
    {
        var entry = Entry(SiloStatus.Dead);
        entry.StartTime = new DateTime(2026, 11, 27, 1, 0, 0, DateTimeKind.Utc);
        entry.IAmAliveTime = new DateTime(2026, 11, 27, 2, 0, 0, DateTimeKind.Utc);
        Assert.Equal(entry.IAmAliveTime, MembershipRowCodec.LastUpdate(entry));

        entry.SuspectTimes = [Tuple.Create(Voter, new DateTime(2026, 11, 27, 3, 0, 0, DateTimeKind.Utc))];
        Assert.Equal(new DateTime(2026, 11, 27, 3, 0, 0, DateTimeKind.Utc), MembershipRowCodec.LastUpdate(entry));
    }

    [Fact]
    public void Columns_HaveOneValueEach()
    {
        var entry = Entry(SiloStatus.Active);

        Assert.Equal(MembershipRowCodec.KeyColumns.Count, MembershipRowCodec.KeyValues(entry.SiloAddress).Length);
        Assert.Equal(MembershipRowCodec.EntryColumns.Count, MembershipRowCodec.EntryValues(entry).Length);
    }

    private static MembershipEntry Entry(SiloStatus status) => new()
    {
        SiloAddress = Silo,
        SiloName = "node-a",
        HostName = "gw-a",
        Status = status,
        StartTime = new DateTime(2026, 11, 27, 4, 0, 0, DateTimeKind.Utc),
        IAmAliveTime = new DateTime(2026, 11, 27, 4, 0, 5, DateTimeKind.Utc),
    };

    /// <summary>Serializes every cell to its column's CQL type, decodes it back, and reads the entry from the cells.</summary>
    private static MembershipEntry? RoundTrip(MembershipEntry entry)
    {
        var cells = new Dictionary<string, object?>();
        void Put(IReadOnlyList<(string Name, CqlType Type)> columns, object?[] values)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var (name, type) = columns[i];
                cells[name] = values[i] is { } value ? CqlValueCodec.Deserialize(type, CqlValueCodec.Serialize(type, value)) : null;
            }
        }

        Put(MembershipRowCodec.KeyColumns, MembershipRowCodec.KeyValues(entry.SiloAddress));
        Put(MembershipRowCodec.EntryColumns, MembershipRowCodec.EntryValues(entry));
        return MembershipRowCodec.ToEntry(name => cells.TryGetValue(name, out var cell) ? cell : throw new KeyNotFoundException(name));
    }
}

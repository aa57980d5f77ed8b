using System.Text.Json.Nodes;
using Gateway.Storage.Entities;
using static Gateway.Tests.Storage.Entities.EntityValidation;

namespace Gateway.Tests.Storage.Entities;

public class TargetsTests
{
    private const string Upstream = "\"upstream\":{\"id\":\"123e4567-e89b-12d3-a456-426655440000\"}";

    [Theory]
    [InlineData(1700000000.123, 1700000000.123)]
    [InlineData(1700000000, 1700000000)]
    [InlineData(1700000000123, 1700000000.123)]
    public void Seconds_ReadsRowsStoredInMilliseconds_AsSeconds(double stored, double seconds) =>
        Assert.Equal(seconds, Targets.Seconds(JsonValue.Create(stored)), 6);

    [Fact]
    public void Present_ShowsARowStoredInMilliseconds_InSeconds()
    {
        // Rows written before timestamps were Kong's seconds-with-a-fraction keep their stored form; they are shown as Kong's.
        var legacy = JsonNode.Parse("""{"id":"a","created_at":1700000000123,"updated_at":1700000005000,"target":"h:80"}""")!.AsObject();
        var current = JsonNode.Parse("""{"id":"b","created_at":1700000000.123,"updated_at":1700000000.123,"target":"h:80"}""")!.AsObject();

        var shown = Targets.Present(legacy);

        Assert.Equal(1700000000.123, shown["created_at"]!.GetValue<double>(), 6);
        Assert.Equal(1700000005, shown["updated_at"]!.GetValue<double>(), 6);
        Assert.Equal(1700000000123, legacy["created_at"]!.GetValue<long>());
        Assert.Same(current, Targets.Present(current));
    }

    [Fact]
    public void Insert_FillsDefaults_AndAppendsPort8000()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var target = Valid("targets", "{" + Upstream + ",\"target\":\"example.com\"}");

        Assert.Equal("example.com:8000", (string?)target["target"]);
        Assert.Equal(100, (long)target["weight"]!);

        // Kong's auto_timestamp_ms: seconds with a millisecond fraction (ngx.now()), not milliseconds.
        Assert.InRange((double)target["created_at"]!, before, before + 60);
        Assert.Equal((double)target["created_at"]!, (double)target["updated_at"]!);
    }

    [Theory]
    [InlineData("example.com:80", "example.com:80")]
    [InlineData("10.0.0.1", "10.0.0.1:8000")]
    [InlineData("010.000.000.001:81", "10.0.0.1:81")]
    [InlineData("::1", "[0000:0000:0000:0000:0000:0000:0000:0001]:8000")]
    [InlineData("[::1]:90", "[0000:0000:0000:0000:0000:0000:0000:0001]:90")]
    public void Target_IsNormalized(string input, string stored)
    {
        var target = Valid("targets", "{" + Upstream + ",\"target\":" + JsonValue.Create(input).ToJsonString() + "}");

        Assert.Equal(stored, (string?)target["target"]);
    }

    [Theory]
    [InlineData("bad host", "Invalid target ('bad host'); not a valid hostname or ip address")]
    [InlineData("example.com:70000", "Invalid target ('example.com:70000'); not a valid hostname or ip address")]
    [InlineData("300.1.1.1", "Invalid target ('300.1.1.1'); not a valid hostname or ip address")]
    public void Target_Refusals(string input, string expected)
    {
        var (fields, _) = Invalid("targets", "{" + Upstream + ",\"target\":" + JsonValue.Create(input).ToJsonString() + "}");

        Assert.Equal(new JsonObject { ["target"] = expected }.Relaxed(), fields);
    }

    [Fact]
    public void UpstreamAndTarget_AreRequired_WeightIsBounded()
    {
        Assert.Equal(
            "2 schema violations (target: required field missing; upstream: required field missing)",
            Invalid("targets", "{}").Message);
        Assert.Equal(
            "schema violation (weight: value should be between 0 and 65535)",
            Invalid("targets", "{" + Upstream + ",\"target\":\"a.b\",\"weight\":65536}").Message);
        Assert.Equal(0, (long)Valid("targets", "{" + Upstream + ",\"target\":\"a.b\",\"weight\":0}")["weight"]!);
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Grpc;
using Gatewaytest;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Gateway.Tests.Node.Plugins.Grpc;

/// <summary>
/// The JSON &lt;-&gt; protobuf transcoder over descriptors compiled from gatewaytest.proto at run time, checked
/// against the classes protoc generated from the same file: what one side writes, the other reads.
/// </summary>
public class ProtoJsonTests
{
    private static readonly ProtoFile File = ProtoFile.Load(GreeterBackend.ProtoPath);

    private static MessageDescriptor AllTypesType => File.Methods.Single(m => m.Path == "/gatewaytest.Greeter/Echo").Method.InputType;

    private static AllTypes FromJson(string json) => AllTypes.Parser.ParseFrom(JsonToProto.Encode(AllTypesType, JsonNode.Parse(json)));

    private static string ToJson(IMessage message) => Encoding.UTF8.GetString(ProtoToJson.Decode(AllTypesType, message.ToByteArray()));

    [Fact]
    public void Load_FindsEveryMethod_ByItsGrpcPath()
    {
        Assert.Equal(
            ["/gatewaytest.Greeter/SayHello", "/gatewaytest.Greeter/GetMessage", "/gatewaytest.Greeter/UpdateProfile", "/gatewaytest.Greeter/DeleteItem", "/gatewaytest.Greeter/Fail", "/gatewaytest.Greeter/Echo", "/gatewaytest.Greeter/Count"],
            File.Methods.Select(m => m.Path));
    }

    [Fact]
    public void Encode_EveryScalarType_ReadsBackInTheGeneratedClass()
    {
        var message = FromJson("""
            {"f_double":1.5,"f_float":"-2.25","f_int64":"-9223372036854775808","f_uint64":"18446744073709551615","f_int32":-7,
             "f_fixed64":42,"f_fixed32":"4294967295","f_bool":true,"f_string":"héllo","f_bytes":"AAEC_w","f_uint32":7,
             "f_sfixed32":-8,"f_sfixed64":"-9","f_sint32":-10,"fSint64":-11,"color":"GREEN"}
            """);

        Assert.Equal(1.5, message.FDouble);
        Assert.Equal(-2.25f, message.FFloat);
        Assert.Equal(long.MinValue, message.FInt64);
        Assert.Equal(ulong.MaxValue, message.FUint64);
        Assert.Equal(-7, message.FInt32);
        Assert.Equal(42UL, message.FFixed64);
        Assert.Equal(uint.MaxValue, message.FFixed32);
        Assert.True(message.FBool);
        Assert.Equal("héllo", message.FString);
        Assert.Equal(new byte[] { 0, 1, 2, 0xff }, message.FBytes.ToByteArray());
        Assert.Equal(7U, message.FUint32);
        Assert.Equal(-8, message.FSfixed32);
        Assert.Equal(-9L, message.FSfixed64);
        Assert.Equal(-10, message.FSint32);
        Assert.Equal(-11L, message.FSint64);
        Assert.Equal(Color.Green, message.Color);
    }

    [Fact]
    public void Encode_RepeatedMapsNestedOneofAndTimestamp()
    {
        var message = FromJson("""
            {"numbers":[1,-2,3],"words":["a",""],"counts":{"x":"5","y":0},"by_id":{"7":{"note":"seven"},"-1":{}},
             "nested":{"note":"n"},"items":[{"note":"i1"},{}],"number":12,"when":"2024-05-06T07:08:09.5Z","maybe":0,"colors":["RED",2]}
            """);

        Assert.Equal([1, -2, 3], message.Numbers);
        Assert.Equal(["a", ""], message.Words);
        Assert.Equal(5L, message.Counts["x"]);
        Assert.Equal(0L, message.Counts["y"]);
        Assert.Equal("seven", message.ById[7].Note);
        Assert.Equal("", message.ById[-1].Note);
        Assert.Equal("n", message.Nested.Note);
        Assert.Equal(["i1", ""], message.Items.Select(i => i.Note));
        Assert.Equal(AllTypes.ChoiceOneofCase.Number, message.ChoiceCase);
        Assert.Equal(12, message.Number);
        Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 9, 500, DateTimeKind.Utc), message.When.ToDateTime());
        Assert.True(message.HasMaybe);
        Assert.Equal([Color.Red, Color.Green], message.Colors);
    }

    [Fact]
    public void Encode_ImplicitPresenceDefaults_AreLeftOffTheWire_ExplicitOnesAreNot()
    {
        Assert.Empty(JsonToProto.Encode(AllTypesType, JsonNode.Parse("""{"f_int32":0,"f_string":"","f_bool":false,"color":"COLOR_UNSET","f_double":0}""")));
        Assert.Equal(new AllTypes { Maybe = 0 }.ToByteArray(), JsonToProto.Encode(AllTypesType, JsonNode.Parse("""{"maybe":0}""")));
        Assert.Equal(new AllTypes { Text = "" }.ToByteArray(), JsonToProto.Encode(AllTypesType, JsonNode.Parse("""{"text":""}""")));
    }

    [Fact]
    public void Encode_StringsForBoolsAndNumbers_AsPathAndQueryValuesCome()
    {
        var message = FromJson("""{"f_bool":"1","f_int32":"12","f_double":"NaN","f_float":"Infinity"}""");

        Assert.True(message.FBool);
        Assert.Equal(12, message.FInt32);
        Assert.True(double.IsNaN(message.FDouble));
        Assert.Equal(float.PositiveInfinity, message.FFloat);
        Assert.False(FromJson("""{"f_bool":"0","f_int32":"1e1"}""").FBool);
        Assert.Equal(10, FromJson("""{"f_int32":"1e1"}""").FInt32);
    }

    [Theory]
    [InlineData("""{"nope":1}""", "unknown field \"nope\" in message gatewaytest.AllTypes")]
    [InlineData("""{"nested":{"nope":1}}""", "unknown field \"nope\" in message gatewaytest.Nested")]
    [InlineData("""{"f_string":null}""", "field \"f_string\": null is not a valid value")]
    [InlineData("""{"f_int32":"abc"}""", "field \"f_int32\": invalid int32 value abc")]
    [InlineData("""{"f_int32":2147483648}""", "field \"f_int32\": invalid int32 value 2147483648")]
    [InlineData("""{"f_uint32":-1}""", "field \"f_uint32\": invalid uint32 value -1")]
    [InlineData("""{"f_int64":1.5}""", "field \"f_int64\": invalid int64 value 1.5")]
    [InlineData("""{"f_float":1e39}""", "field \"f_float\": invalid float value 1e39")]
    [InlineData("""{"f_bool":"yes"}""", "field \"f_bool\": invalid bool value yes")]
    [InlineData("""{"f_string":5}""", "field \"f_string\": invalid string value 5")]
    [InlineData("""{"f_bytes":"***"}""", "field \"f_bytes\": invalid bytes value ***")]
    [InlineData("""{"color":"BLUE"}""", "field \"color\": invalid enum value BLUE")]
    [InlineData("""{"numbers":5}""", "field \"numbers\": expected an array")]
    [InlineData("""{"numbers":[1,null]}""", "field \"numbers\": null is not a valid value")]
    [InlineData("""{"counts":[]}""", "field \"counts\": expected an object")]
    [InlineData("""{"by_id":{"x":{}}}""", "field \"key\": invalid int32 value x")]
    [InlineData("""{"nested":"n"}""", "expected an object for message gatewaytest.Nested")]
    [InlineData("""{"text":"a","number":1}""", "field \"number\": oneof \"choice\" already has a value")]
    [InlineData("""{"when":"yesterday"}""", "expected a time string, got \"yesterday\"")]
    [InlineData("""[]""", "expected an object for message gatewaytest.AllTypes")]
    public void Encode_RefusesWhatDoesNotFit_SayingWhere(string json, string message)
    {
        var error = Assert.Throws<ProtoJsonException>(() => JsonToProto.Encode(AllTypesType, JsonNode.Parse(json)));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Decode_EmptyMessage_GivesKongsDefaults()
    {
        Assert.Equal(
            """{"f_double":0,"f_float":0,"f_int64":"0","f_uint64":"0","f_int32":0,"f_fixed64":"0","f_fixed32":0,"f_bool":false,"f_string":"","f_bytes":"","f_uint32":0,"f_sfixed32":0,"f_sfixed64":"0","f_sint32":0,"f_sint64":"0","color":"COLOR_UNSET","numbers":[],"words":[],"counts":{},"by_id":{},"items":[],"colors":[]}""",
            ToJson(new AllTypes()));
    }

    [Fact]
    public void Decode_EveryType_FromTheGeneratedClassesBytes()
    {
        var message = new AllTypes
        {
            FDouble = -0.5,
            FFloat = float.NegativeInfinity,
            FInt64 = long.MaxValue,
            FUint64 = ulong.MaxValue,
            FInt32 = int.MinValue,
            FFixed64 = 3,
            FFixed32 = 4,
            FBool = true,
            FString = "a\"b",
            FBytes = ByteString.CopyFrom(0, 1, 0xfe),
            FUint32 = uint.MaxValue,
            FSfixed32 = -5,
            FSfixed64 = -6,
            FSint32 = -7,
            FSint64 = -8,
            Color = Color.Red,
            Numbers = { 1, 2 },
            Words = { "w" },
            Counts = { ["c"] = -3 },
            ById = { [9] = new Nested { Note = "nine" } },
            Nested = new Nested(),
            Items = { new Nested { Note = "i" } },
            Text = "t",
            When = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc)),
            Maybe = 0,
            Colors = { Color.Green, (Color)9 },
        };

        Assert.Equal(
            """{"f_double":-0.5,"f_float":"-Infinity","f_int64":"9223372036854775807","f_uint64":"18446744073709551615","f_int32":-2147483648,"f_fixed64":"3","f_fixed32":4,"f_bool":true,"f_string":"a\"b","f_bytes":"AAH+","f_uint32":4294967295,"f_sfixed32":-5,"f_sfixed64":"-6","f_sint32":-7,"f_sint64":"-8","color":"RED","numbers":[1,2],"words":["w"],"counts":{"c":"-3"},"by_id":{"9":{"note":"nine"}},"nested":{"note":""},"items":[{"note":"i"}],"text":"t","when":"2024-05-06T07:08:09","maybe":0,"colors":["GREEN",9]}""",
            ToJson(message));
    }

    [Fact]
    public void Decode_UnpackedRepeatedAndRepeatedMessageFields_AreReadAsProtobufDoes()
    {
        // numbers (17) unpacked, twice; nested (21) sent twice is merged; an unknown field (99) is skipped.
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        output.WriteTag(17, WireFormat.WireType.Varint);
        output.WriteInt32(4);
        output.WriteTag(17, WireFormat.WireType.Varint);
        output.WriteInt32(5);
        output.WriteTag(21, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(new Nested { Note = "first" }.ToByteString());
        output.WriteTag(99, WireFormat.WireType.Varint);
        output.WriteInt32(1);
        output.WriteTag(21, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(new Nested { Note = "last" }.ToByteString());
        output.Flush();

        var json = JsonNode.Parse(ProtoToJson.Decode(AllTypesType, bytes.ToArray()))!;

        Assert.Equal("[4,5]", json["numbers"]!.ToJsonString());
        Assert.Equal("last", json["nested"]!["note"]!.GetValue<string>());
    }

    [Fact]
    public void Decode_MalformedBytes_IsAProtoJsonException()
    {
        Assert.Throws<ProtoJsonException>(() => ProtoToJson.Decode(AllTypesType, new byte[] { 0x4a, 0x05, 0x61 }));
        Assert.Throws<ProtoJsonException>(() => ProtoToJson.Decode(AllTypesType, new byte[] { 0x48, 0x01 }));
    }

    [Fact]
    public void RoundTrip_JsonToWireToJson_KeepsEveryValue()
    {
        const string json = """{"f_double":2.5,"f_float":1.25,"f_int64":"-1","f_uint64":"2","f_int32":3,"f_fixed64":"4","f_fixed32":5,"f_bool":true,"f_string":"s","f_bytes":"AQI=","f_uint32":6,"f_sfixed32":-7,"f_sfixed64":"-8","f_sint32":-9,"f_sint64":"-10","color":"GREEN","numbers":[1],"words":["x"],"counts":{"k":"1"},"by_id":{"1":{"note":"one"}},"nested":{"note":"n"},"items":[],"number":0,"when":"2001-02-03T04:05:06","maybe":1,"colors":[]}""";

        Assert.Equal(json, Encoding.UTF8.GetString(ProtoToJson.Decode(AllTypesType, JsonToProto.Encode(AllTypesType, JsonNode.Parse(json)))));
    }

    [Fact]
    public void Check_SaysWhyAFileCannotBeUsed()
    {
        var folder = Directory.CreateTempSubdirectory("proto-check").FullName;
        try
        {
            var broken = Path.Combine(folder, "broken.proto");
            System.IO.File.WriteAllText(broken, "syntax = \"proto3\";\nmessage M { string name = ; }\n");
            var importsMissing = Path.Combine(folder, "imports.proto");
            System.IO.File.WriteAllText(importsMissing, "syntax = \"proto3\";\nimport \"other.proto\";\n");

            Assert.Equal($"cannot read the .proto file '{folder}/none.proto': no such file", ProtoFile.Check($"{folder}/none.proto"));
            Assert.StartsWith($"cannot parse the .proto file '{broken}': broken.proto line 2: ", ProtoFile.Check(broken));
            Assert.StartsWith($"cannot parse the .proto file '{importsMissing}': imports.proto line 2: ", ProtoFile.Check(importsMissing));
            Assert.Null(ProtoFile.Check(GreeterBackend.ProtoPath));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

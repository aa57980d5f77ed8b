using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Gateway.Node.Plugins.Grpc;

/// <summary>What both transcoding directions agree on about the wire format.</summary>
internal static class ProtoWire
{
    /// <summary>The wire type a field of <paramref name="type"/> is written with, unpacked.</summary>
    public static WireFormat.WireType WireTypeOf(FieldType type) => type switch
    {
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFormat.WireType.Fixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFormat.WireType.Fixed32,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireFormat.WireType.LengthDelimited,
        _ => WireFormat.WireType.Varint,
    };

    /// <summary>Whether repeated fields of <paramref name="type"/> may be packed (scalars with a fixed or varint encoding).</summary>
    public static bool Packable(FieldType type) => WireTypeOf(type) != WireFormat.WireType.LengthDelimited;
}

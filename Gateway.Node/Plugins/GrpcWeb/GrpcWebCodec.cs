using System.Buffers;
using System.Buffers.Text;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Grpc;
using Google.Protobuf.Reflection;

namespace Gateway.Node.Plugins.GrpcWeb;

/// <summary>
/// One request's translation between grpc-web and gRPC (Kong's kong/plugins/grpc-web/deco.lua), chosen by its
/// Content-Type: base64 text or binary, grpc framing or none (application/json), protobuf or JSON messages (JSON
/// needs the config's .proto to know the method's types).
/// </summary>
public sealed class GrpcWebCodec
{
    /// <summary>Kong's three tables in one: text encoding, framing and message encoding by exact content type.</summary>
    private static readonly FrozenDictionary<string, (bool Base64, bool Framed, bool Json)> Modes = new Dictionary<string, (bool, bool, bool)>
    {
        ["application/grpc-web"] = (false, true, false),
        ["application/grpc-web-text"] = (true, true, false),
        ["application/grpc-web+proto"] = (false, true, false),
        ["application/grpc-web-text+proto"] = (true, true, false),
        ["application/grpc-web+json"] = (false, true, true),
        ["application/grpc-web-text+json"] = (true, true, true),
        ["application/json"] = (false, false, true),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly bool _base64;
    private readonly bool _framed;
    private readonly MessageDescriptor? _input;
    private readonly MessageDescriptor? _output;

    private GrpcWebCodec(string? mimeType, bool base64, bool framed, MessageDescriptor? input, MessageDescriptor? output)
    {
        MimeType = mimeType;
        _base64 = base64;
        _framed = framed;
        _input = input;
        _output = output;
    }

    /// <summary>The client's content type, which the answer is sent with.</summary>
    public string? MimeType { get; }

    /// <summary>
    /// The codec for a request, or null with Kong's reason: JSON (and any content type Kong does not know, which
    /// it transcodes one way as JSON) needs the .proto and a method at <paramref name="path"/>.
    /// </summary>
    public static GrpcWebCodec? For(string? mimeType, string path, GrpcWebConfig config, out string? error)
    {
        error = null;
        (bool Base64, bool Framed, bool Json) mode = default;
        var known = mimeType is not null && Modes.TryGetValue(mimeType, out mode);
        if (known && !mode.Json)
        {
            return new GrpcWebCodec(mimeType, mode.Base64, mode.Framed, null, null);
        }

        if (config.Methods is not { } methods)
        {
            error = "transcoding requests require a .proto file defining the service";
            return null;
        }

        if (!methods.TryGetValue(path, out var method))
        {
            // Kong's message, its spelling included.
            error = $"Unkown path \"{path}\"";
            return null;
        }

        // A content type Kong does not know goes up as sent and comes back as unframed JSON, as Kong's tables fall out.
        return new GrpcWebCodec(mimeType, mode.Base64, mode.Framed, known ? method.Method.InputType : null, method.Method.OutputType);
    }

    /// <summary>The gRPC request body for the client's; throws <see cref="FormatException"/>, <see cref="System.Text.Json.JsonException"/> or <see cref="ProtoJsonException"/> on a body that does not translate.</summary>
    public byte[] Upstream(ReadOnlyMemory<byte> body)
    {
        if (_base64)
        {
            body = FromBase64(body.Span);
        }

        if (_input is null)
        {
            return body.ToArray();
        }

        var message = body;
        if (_framed && !GrpcFrames.TryRead(ref body, out _, out message))
        {
            throw new FormatException("the body is not a whole grpc-web frame");
        }

        return GrpcFrames.Frame(GrpcFrames.Message, JsonToProto.Encode(_input, JsonToProto.Parse(message.Span)));
    }

    /// <summary>The client's answer for the upstream's body: its messages translated, then (framed modes) the trailer frame with the call's status.</summary>
    public byte[] Downstream(ReadOnlyMemory<byte> body, (string Status, string Message)? status)
    {
        using var output = new MemoryStream();
        if (_output is { } type)
        {
            while (GrpcFrames.TryRead(ref body, out _, out var message))
            {
                var json = ProtoToJson.Decode(type, message);
                if (_framed)
                {
                    GrpcFrames.Write(output, GrpcFrames.Message, json);
                }
                else
                {
                    output.Write(json);
                }
            }
        }
        else
        {
            output.Write(body.Span);
        }

        var messages = _base64 ? Encoding.ASCII.GetBytes(Convert.ToBase64String(output.GetBuffer(), 0, (int)output.Length)) : output.ToArray();
        if (!_framed)
        {
            return messages;
        }

        // Kong sends the trailer frame as a frame of its own, base64-encoded on its own in text mode.
        var (code, text) = status ?? ("0", "");
        var trailer = GrpcFrames.Frame(GrpcFrames.Trailers, Encoding.ASCII.GetBytes($"grpc-status:{code}\r\ngrpc-message:{text}\r\n"));
        return [.. messages, .. _base64 ? Encoding.ASCII.GetBytes(Convert.ToBase64String(trailer)) : trailer];
    }

    private static byte[] FromBase64(ReadOnlySpan<byte> text)
    {
        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        return Base64.DecodeFromUtf8(text, decoded, out _, out var written) == OperationStatus.Done
            ? decoded[..written]
            : throw new FormatException("the body is not valid base64");
    }
}

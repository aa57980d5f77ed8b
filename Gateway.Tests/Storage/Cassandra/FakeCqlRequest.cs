using Gateway.Storage.Cassandra.Protocol;

namespace Gateway.Tests.Storage.Cassandra;

/// <summary>A request the fake server received, with a way to answer it on its stream.</summary>
internal sealed class FakeCqlRequest(short stream, CqlOpcode opcode, byte[] body, Func<CqlOpcode, byte[], Task> reply, IDisposable connection)
{
    public short Stream { get; } = stream;

    public CqlOpcode Opcode { get; } = opcode;

    public byte[] Body { get; } = body;

    /// <summary>The query text of QUERY and PREPARE, or the prepared id (hex) of EXECUTE.</summary>
    public string Text
    {
        get
        {
            var reader = new CqlReader(Body);
            return Opcode == CqlOpcode.Execute ? Convert.ToHexStringLower(reader.ReadShortBytes()) : reader.ReadLongString();
        }
    }

    public Task ReplyAsync(CqlOpcode replyOpcode, byte[] replyBody) => reply(replyOpcode, replyBody);

    public Task RowsAsync(IReadOnlyList<(string Name, CqlType Type)> columns, params object?[][] rows) =>
        ReplyAsync(CqlOpcode.Result, FakeCqlReplies.Rows(columns, rows));

    public Task ErrorAsync(int code, string message) => ReplyAsync(CqlOpcode.Error, FakeCqlReplies.Error(code, message));

    /// <summary>Closes the connection the request came on.</summary>
    public void DropConnection() => connection.Dispose();
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.FileLog;

/// <summary>
/// Kong's file-log (kong/plugins/file-log/handler.lua): appends each request's serialized log record
/// as one JSON line to <c>path</c>, creating the file (mode 0644) if missing. One writer per path takes
/// lines from a channel, so the log phase never waits for the disk and lines never interleave. The
/// file stays open between lines, as Kong keeps its descriptor, unless <c>reopen</c> is set: then it
/// is opened and closed for every line, so a rotated file is picked up.
/// </summary>
public sealed partial class FileLogPlugin(PluginServices services) : GatewayPlugin<FileLogConfig>
{
    private readonly ConcurrentDictionary<string, Channel<(byte[] Line, bool Reopen)>> _writers = new(StringComparer.Ordinal);
    private ILogger? _logger;

    /// <inheritdoc />
    public override PluginSchema Schema => FileLogSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, FileLogConfig config) => Write(log.Serialize(), config);

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, FileLogConfig config) => Write(log.Serialize(), config);

    private void Write(System.Text.Json.Nodes.JsonObject record, FileLogConfig config)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        _writers.GetOrAdd(config.Path, StartWriter).Writer.TryWrite((line, config.Reopen));
    }

    /// <inheritdoc />
    protected override FileLogConfig CreateConfig(System.Text.Json.Nodes.JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance);
        if (compiled.CustomFieldsByLua is { Count: > 0 } fields && Logger() is { } logger)
        {
            LogLuaIgnored(logger, string.Join(", ", fields.Keys));
        }

        return compiled;
    }

    private ILogger? Logger() => _logger ??= services.Find<ILoggerFactory>()?.CreateLogger("file-log");

    private Channel<(byte[] Line, bool Reopen)> StartWriter(string path)
    {
        var channel = Channel.CreateUnbounded<(byte[] Line, bool Reopen)>(new UnboundedChannelOptions { SingleReader = true });
        _ = Task.Run(() => WriteAsync(path, channel.Reader));
        return channel;
    }

    private async Task WriteAsync(string path, ChannelReader<(byte[] Line, bool Reopen)> reader)
    {
        FileStream? file = null;
        await foreach (var (line, reopen) in reader.ReadAllAsync())
        {
            try
            {
                file ??= Open(path);
                await file.WriteAsync(line);

                // Flush when the queue is drained, so a burst is one write and a lone line is on disk at once.
                if (reopen || !reader.TryPeek(out _))
                {
                    await file.FlushAsync();
                }

                if (reopen)
                {
                    await file.DisposeAsync();
                    file = null;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (Logger() is { } logger)
                {
                    LogWriteFailed(logger, path, e.Message);
                }

                if (file is not null)
                {
                    await file.DisposeAsync();
                    file = null;
                }
            }
        }
    }

    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        return new FileStream(path, options);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "file-log: custom_fields_by_lua is not supported (Lua is not evaluated); these fields are not logged: {Fields}")]
    private static partial void LogLuaIgnored(ILogger logger, string fields);

    [LoggerMessage(Level = LogLevel.Error, Message = "file-log: failed to write to {Path}: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);
}

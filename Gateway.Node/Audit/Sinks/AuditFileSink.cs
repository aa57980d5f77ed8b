using System.Text;
using System.Threading.Channels;
using Gateway.Storage.Audit;
using Microsoft.Extensions.Logging;

namespace Gateway.Node.Audit.Sinks;

/// <summary>
/// audit_log_sink as a file: every record this node commits, one JSON line each, appended in commit order by one
/// background writer and flushed once the waiting records are written. Before a line would take the file past
/// audit_log_sink_max_size, the file is rotated: FILE becomes FILE.1, FILE.1 FILE.2, up to FILE.<see cref="Rotations"/>.
/// </summary>
public sealed partial class AuditFileSink : IAuditSink, IAsyncDisposable
{
    /// <summary>How many rotated files are kept besides the current one.</summary>
    public const int Rotations = 5;

    private readonly string _path;
    private readonly long _maxSize;
    private readonly ILogger _logger;
    private readonly Channel<IReadOnlyList<AuditEntry>> _pending;
    private readonly Task _writer;
    private FileStream? _file;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending; <paramref name="maxSize"/> 0 never rotates.</summary>
    public AuditFileSink(string path, long maxSize, ILogger logger)
    {
        (_path, _maxSize, _logger) = (path, maxSize, logger);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _file = Open();
        _pending = Channel.CreateBounded<IReadOnlyList<AuditEntry>>(
            new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped => LogDropped(_logger, dropped.Count, _path));
        _writer = Task.Run(WriteAsync);
    }

    /// <inheritdoc/>
    public void Written(IReadOnlyList<AuditEntry> entries) => _pending.Writer.TryWrite(entries);

    /// <summary>Writes what is waiting and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _writer;
        if (_file is not null)
        {
            await _file.DisposeAsync();
        }
    }

    private async Task WriteAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            try
            {
                while (reader.TryRead(out var entries))
                {
                    foreach (var entry in entries)
                    {
                        await AppendAsync(Encoding.UTF8.GetBytes(entry.ToJson() + "\n"));
                    }
                }

                await (_file?.FlushAsync() ?? Task.CompletedTask);
            }
            catch (IOException e)
            {
                // A full disk or a removed folder: say so, and try a fresh file with the next records.
                LogWriteFailed(_logger, _path, e.Message);
                _file?.Dispose();
                _file = null;
            }
        }
    }

    private async Task AppendAsync(byte[] line)
    {
        _file ??= Open();
        if (_maxSize > 0 && _file.Length > 0 && _file.Length + line.Length > _maxSize)
        {
            await _file.DisposeAsync();
            Rotate();
            _file = Open();
        }

        await _file.WriteAsync(line);
    }

    private void Rotate()
    {
        File.Delete($"{_path}.{Rotations}");
        for (var i = Rotations - 1; i >= 1; i--)
        {
            if (File.Exists($"{_path}.{i}"))
            {
                File.Move($"{_path}.{i}", $"{_path}.{i + 1}");
            }
        }

        File.Move(_path, $"{_path}.1");
    }

    private FileStream Open() => new(_path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit_log_sink {Path}: {Count} audit records dropped, the writer is behind")]
    private static partial void LogDropped(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "audit_log_sink {Path}: cannot write ({Reason}); later records go to a fresh file")]
    private static partial void LogWriteFailed(ILogger logger, string path, string reason);
}

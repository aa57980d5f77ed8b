using System.Text.Json;

namespace Gateway.Node.Config;

/// <summary>
/// Writes a file of prefix/ that holds secrets: owner only (0600), written to a temporary file beside it, flushed to
/// disk and renamed over the old one, so a reader (or a crash) sees the old file or the new one, never half of one.
/// </summary>
public static class PrivateFile
{
    /// <summary>Writes the JSON <paramref name="write"/> produces to <paramref name="path"/>, atomically.</summary>
    public static async Task WriteJsonAsync(string path, Action<Utf8JsonWriter> write, CancellationToken cancellationToken = default)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 65536,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, options))
        {
            await using (var writer = new Utf8JsonWriter(stream))
            {
                write(writer);
                await writer.FlushAsync(cancellationToken);
            }

            // On disk before the rename makes it the file.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> (a private key, say), atomically and owner only.</summary>
    public static void WriteText(string path, string text)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Deletes the temporary files of writes to <paramref name="path"/> that a crash cut short (<c>NAME.PID.tmp</c>);
    /// returns their paths. Run at start, before this process writes the file.
    /// </summary>
    public static IReadOnlyList<string> RemoveLeftovers(string path)
    {
        var folder = Path.GetDirectoryName(path) ?? ".";
        var name = Path.GetFileName(path);
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, name + ".*.tmp"))
        {
            var pid = Path.GetFileName(file)[(name.Length + 1)..^".tmp".Length];
            if (pid.Length > 0 && pid.All(char.IsAsciiDigit))
            {
                File.Delete(file);
                removed.Add(file);
            }
        }

        return removed;
    }
}

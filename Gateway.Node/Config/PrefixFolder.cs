namespace Gateway.Node.Config;

/// <summary>
/// The node's prefix folder as the files in it need it: they hold every key-auth key, HMAC and JWT secret and
/// certificate private key (the SQLite database and its -wal and -shm, the config snapshot, the consumer cache), so the folder is created
/// owner-only (0700) and those files are kept 0600.
/// </summary>
public static class PrefixFolder
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The SQLite database file's name inside prefix/.</summary>
    public const string DatabaseFileName = "gateway.db";

    /// <summary>The files whose content is secret, by name inside prefix/.</summary>
    private static readonly string[] SecretFiles =
        [DatabaseFileName, DatabaseFileName + "-wal", DatabaseFileName + "-shm", DatabaseFileName + "-journal", SnapshotFile.FileName, ConsumerCacheFile.FileName];

    /// <summary>Creates <paramref name="prefix"/> owner-only when it does not exist (an existing folder keeps its mode).</summary>
    public static void Create(string prefix)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(prefix);
        }
        else
        {
            Directory.CreateDirectory(prefix, OwnerOnlyFolder);
        }
    }

    /// <summary>
    /// Readies the folder for a node start: creates it (owner-only), tightens the secret files that other users can
    /// read to 0600 (one line saying which), warns once when the folder itself is open to them (it is left as it is: it
    /// may hold what is not the node's), and removes the temporary files of snapshot and consumer-cache writes a crash cut short.
    /// </summary>
    public static void Prepare(string prefix, ILogger logger)
    {
        Create(prefix);
        if (!OperatingSystem.IsWindows())
        {
            var folderMode = File.GetUnixFileMode(prefix);
            if ((folderMode & GroupAndOthers) != 0)
            {
                logger.LogWarning("{Prefix} is open to other users (mode {Mode}) and holds the config database and keys: chmod 700 it", prefix, Octal(folderMode));
            }

            var tightened = new List<string>();
            foreach (var name in SecretFiles)
            {
                var path = Path.Combine(prefix, name);
                if (File.Exists(path) && File.GetUnixFileMode(path) is var mode && (mode & GroupAndOthers) != 0)
                {
                    File.SetUnixFileMode(path, OwnerOnlyFile);
                    tightened.Add($"{name} (was {Octal(mode)})");
                }
            }

            if (tightened.Count > 0)
            {
                logger.LogWarning("made owner-only (600) in {Prefix}, as they hold credentials and keys: {Files}", prefix, string.Join(", ", tightened));
            }
        }

        foreach (var leftover in PrivateFile.RemoveLeftovers(SnapshotFile.PathIn(prefix)).Concat(PrivateFile.RemoveLeftovers(ConsumerCacheFile.PathIn(prefix))))
        {
            logger.LogInformation("removed {File}, left by a write that did not finish", leftover);
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8);
}

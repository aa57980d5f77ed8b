namespace Gateway.Node.Config;

/// <summary>A command's database cannot be used: not configured, not reachable, or not migrated. The message is one line naming the fix.</summary>
public sealed class DatabaseNotReadyException(string message) : Exception(message);

namespace Gateway.Node.Admin;

/// <summary>What the Admin API says about this node: its id (kept in prefix/ across restarts) and host name.</summary>
public sealed record NodeIdentity(string NodeId, string Hostname)
{
    /// <summary>The Kong version whose Admin API this gateway speaks; tools such as decK read it from <c>/</c>.</summary>
    public const string KongVersion = "3.9.1";

    /// <summary>Reads prefix/node.id, creating it on first start.</summary>
    public static NodeIdentity Load(string prefix)
    {
        var path = Path.Combine(prefix, "node.id");
        var id = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
        if (!Guid.TryParseExact(id, "D", out _))
        {
            id = Guid.NewGuid().ToString();
            File.WriteAllText(path, id);
        }

        return new NodeIdentity(id, Environment.MachineName);
    }
}

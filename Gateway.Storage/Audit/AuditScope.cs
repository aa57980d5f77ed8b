namespace Gateway.Storage.Audit;

/// <summary>
/// The audit stamp of the Admin API request being handled, flowing with it as <see cref="System.Diagnostics.Activity.Current"/>
/// does, so that every config write the request makes, however deep in the endpoint code, carries it to the writer.
/// </summary>
public static class AuditScope
{
    private static readonly AsyncLocal<AuditStamp?> Stamp = new();

    /// <summary>The current request's stamp, or null outside an audited request.</summary>
    public static AuditStamp? Current
    {
        get => Stamp.Value;
        set => Stamp.Value = value;
    }
}

namespace Gateway.Cluster.Serialization;

/// <summary>An <see cref="Gateway.Storage.Audit.AuditStamp"/> on the wire.</summary>
[GenerateSerializer, Alias("Gateway.Cluster.Serialization.AuditStampSurrogate")]
public struct AuditStampSurrogate
{
    /// <summary><see cref="Gateway.Storage.Audit.AuditStamp.RequestId"/>.</summary>
    [Id(0)]
    public string RequestId;

    /// <summary><see cref="Gateway.Storage.Audit.AuditStamp.RequestTimestamp"/>.</summary>
    [Id(1)]
    public long RequestTimestamp;

    /// <summary><see cref="Gateway.Storage.Audit.AuditStamp.RbacUserId"/>.</summary>
    [Id(2)]
    public string? RbacUserId;
}

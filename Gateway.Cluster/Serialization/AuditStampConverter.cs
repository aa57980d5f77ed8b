using Gateway.Storage.Audit;

namespace Gateway.Cluster.Serialization;

/// <summary>Lets a write's audit stamp cross silos with it: Gateway.Storage knows nothing of Orleans.</summary>
[RegisterConverter]
public sealed class AuditStampConverter : IConverter<AuditStamp, AuditStampSurrogate>
{
    /// <inheritdoc/>
    public AuditStamp ConvertFromSurrogate(in AuditStampSurrogate surrogate) => new(surrogate.RequestId, surrogate.RequestTimestamp, surrogate.RbacUserId);

    /// <inheritdoc/>
    public AuditStampSurrogate ConvertToSurrogate(in AuditStamp value) =>
        new() { RequestId = value.RequestId, RequestTimestamp = value.RequestTimestamp, RbacUserId = value.RbacUserId };
}

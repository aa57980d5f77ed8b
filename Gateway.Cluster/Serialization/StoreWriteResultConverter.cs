using Gateway.Storage.Store;

namespace Gateway.Cluster.Serialization;

/// <summary>
/// Lets a writer grain's answer cross silos: Gateway.Storage knows nothing of Orleans, so its result travels as a
/// <see cref="StoreWriteResultSurrogate"/> and is rebuilt as the same record on the other side.
/// </summary>
[RegisterConverter]
public sealed class StoreWriteResultConverter : IConverter<StoreWriteResult, StoreWriteResultSurrogate>
{
    /// <inheritdoc/>
    public StoreWriteResult ConvertFromSurrogate(in StoreWriteResultSurrogate surrogate) => surrogate.Refusal switch
    {
        RefusalKind.None => surrogate.Applied ? StoreWriteResult.Committed(surrogate.Version) : StoreWriteResult.NotFound,
        RefusalKind.PrimaryKey => StoreWriteResult.Refused(new WriteRefusal.PrimaryKeyViolation(surrogate.Entity!, surrogate.Id!)),
        RefusalKind.Unique => StoreWriteResult.Refused(new WriteRefusal.UniqueViolation(surrogate.Entity!, surrogate.Key!)),
        RefusalKind.ForeignKey => StoreWriteResult.Refused(new WriteRefusal.ForeignKeyViolation(surrogate.Detail!, surrogate.Id!, surrogate.Entity!)),
        RefusalKind.ReferencedByOthers => StoreWriteResult.Refused(new WriteRefusal.ReferencedByOthers(surrogate.Entity!, surrogate.Detail!)),
        RefusalKind.OperationUnsupported => StoreWriteResult.Refused(new WriteRefusal.OperationUnsupported(surrogate.Detail!, surrogate.Entity!)),
        _ => throw new ArgumentOutOfRangeException(nameof(surrogate), surrogate.Refusal, "not a refusal this build knows"),
    };

    /// <inheritdoc/>
    public StoreWriteResultSurrogate ConvertToSurrogate(in StoreWriteResult value)
    {
        var surrogate = new StoreWriteResultSurrogate { Applied = value.Applied, Version = value.Version };
        switch (value.Refusal)
        {
            case WriteRefusal.PrimaryKeyViolation primary:
                (surrogate.Refusal, surrogate.Entity, surrogate.Id) = (RefusalKind.PrimaryKey, primary.Entity, primary.Id);
                break;
            case WriteRefusal.UniqueViolation unique:
                (surrogate.Refusal, surrogate.Entity, surrogate.Key) = (RefusalKind.Unique, unique.Entity, unique.Key);
                break;
            case WriteRefusal.ForeignKeyViolation foreign:
                (surrogate.Refusal, surrogate.Entity, surrogate.Id, surrogate.Detail) = (RefusalKind.ForeignKey, foreign.Parent, foreign.Id, foreign.Field);
                break;
            case WriteRefusal.ReferencedByOthers referenced:
                (surrogate.Refusal, surrogate.Entity, surrogate.Detail) = (RefusalKind.ReferencedByOthers, referenced.Parent, referenced.Child);
                break;
            case WriteRefusal.OperationUnsupported unsupported:
                (surrogate.Refusal, surrogate.Entity, surrogate.Detail) = (RefusalKind.OperationUnsupported, unsupported.Entity, unsupported.Operation);
                break;
        }

        return surrogate;
    }
}

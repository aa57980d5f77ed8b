using System.Text.Json.Nodes;
using Gateway.Storage.Store;

namespace Gateway.Node.Admin;

/// <summary>The one place a store's refusal of a write becomes Kong's answer (kong/db/errors.lua).</summary>
public static class WriteRefusals
{
    /// <summary>Throws Kong's error when the store refused the write; the result otherwise.</summary>
    /// <exception cref="AdminException">The refusal, as Kong answers it.</exception>
    public static StoreWriteResult ThrowIfRefused(StoreWriteResult result) => result.Refusal is { } refusal ? throw ToKongError(refusal) : result;

    /// <summary>Kong's code, message and fields for <paramref name="refusal"/>.</summary>
    public static AdminException ToKongError(WriteRefusal refusal) => refusal switch
    {
        WriteRefusal.UniqueViolation unique => AdminException.Kong(KongError.UniqueViolation, refusal.Message, (JsonObject)unique.Key.DeepClone()),
        WriteRefusal.PrimaryKeyViolation primary => AdminException.Kong(KongError.PrimaryKeyViolation, refusal.Message, new JsonObject { ["id"] = primary.Id }),
        WriteRefusal.ForeignKeyViolation foreign => AdminException.Kong(KongError.ForeignKeyViolation, refusal.Message,
            new JsonObject { [foreign.Field] = new JsonObject { ["id"] = foreign.Id } }),
        WriteRefusal.ReferencedByOthers referenced => AdminException.Kong(KongError.ForeignKeyViolation, refusal.Message,
            new JsonObject { ["@referenced_by"] = referenced.Child }),
        WriteRefusal.OperationUnsupported => AdminException.Kong(KongError.OperationUnsupported, refusal.Message),
        _ => AdminException.Kong(KongError.DatabaseError, refusal.Message),
    };
}

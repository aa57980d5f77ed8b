namespace Gateway.Node.Admin;

/// <summary>Names and HTTP statuses of <see cref="KongError"/> (Kong's ERRORS_NAMES and ERRORS_HTTP_CODES).</summary>
public static class KongErrors
{
    /// <summary>Kong's name of the error.</summary>
    public static string Name(KongError error) => error switch
    {
        KongError.InvalidPrimaryKey => "invalid primary key",
        KongError.SchemaViolation => "schema violation",
        KongError.PrimaryKeyViolation => "primary key violation",
        KongError.ForeignKeyViolation => "foreign key violation",
        KongError.UniqueViolation => "unique constraint violation",
        KongError.NotFound => "not found",
        KongError.InvalidOffset => "invalid offset",
        KongError.DatabaseError => "database error",
        KongError.InvalidSize => "invalid size",
        KongError.InvalidOptions => "invalid options",
        KongError.OperationUnsupported => "operation unsupported",
        KongError.ForeignKeysUnresolved => "foreign keys unresolved",
        KongError.DeclarativeConfig => "invalid declarative configuration",
        KongError.ReferencedByOthers => "referenced by others",
        _ => throw new ArgumentOutOfRangeException(nameof(error)),
    };

    /// <summary>The HTTP status Kong answers with.</summary>
    public static int HttpStatus(KongError error) => error switch
    {
        KongError.UniqueViolation => 409,
        KongError.NotFound => 404,
        KongError.DatabaseError => 500,
        KongError.OperationUnsupported => 405,
        _ => 400,
    };
}

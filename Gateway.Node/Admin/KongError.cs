namespace Gateway.Node.Admin;

/// <summary>Kong's DAO error codes (kong/db/errors.lua).</summary>
public enum KongError
{
    /// <summary>invalid primary key (400).</summary>
    InvalidPrimaryKey = 1,

    /// <summary>schema violation (400).</summary>
    SchemaViolation = 2,

    /// <summary>primary key violation (400).</summary>
    PrimaryKeyViolation = 3,

    /// <summary>foreign key violation (400).</summary>
    ForeignKeyViolation = 4,

    /// <summary>unique constraint violation (409).</summary>
    UniqueViolation = 5,

    /// <summary>not found (404).</summary>
    NotFound = 6,

    /// <summary>invalid offset (400).</summary>
    InvalidOffset = 7,

    /// <summary>database error (500; 503 when the database is unreachable).</summary>
    DatabaseError = 8,

    /// <summary>invalid size (400).</summary>
    InvalidSize = 9,

    /// <summary>invalid options (400).</summary>
    InvalidOptions = 11,

    /// <summary>operation unsupported (405).</summary>
    OperationUnsupported = 12,

    /// <summary>foreign keys unresolved (400).</summary>
    ForeignKeysUnresolved = 13,

    /// <summary>invalid declarative configuration (400).</summary>
    DeclarativeConfig = 14,

    /// <summary>referenced by others (400).</summary>
    ReferencedByOthers = 19,
}

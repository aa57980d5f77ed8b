namespace Gateway.Schema;

/// <summary>The value types of Kong's schema library (kong/db/schema/init.lua).</summary>
public enum FieldType
{
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Set,
    Map,
    Record,
    Foreign,
}

namespace Gateway.Storage.Cassandra.Protocol;

/// <summary>Message opcodes of the CQL native protocol v4 (spec section 2.4).</summary>
public enum CqlOpcode : byte
{
    /// <summary>ERROR response.</summary>
    Error = 0x00,

    /// <summary>STARTUP request.</summary>
    Startup = 0x01,

    /// <summary>READY response.</summary>
    Ready = 0x02,

    /// <summary>AUTHENTICATE response.</summary>
    Authenticate = 0x03,

    /// <summary>OPTIONS request.</summary>
    Options = 0x05,

    /// <summary>SUPPORTED response.</summary>
    Supported = 0x06,

    /// <summary>QUERY request.</summary>
    Query = 0x07,

    /// <summary>RESULT response.</summary>
    Result = 0x08,

    /// <summary>PREPARE request.</summary>
    Prepare = 0x09,

    /// <summary>EXECUTE request.</summary>
    Execute = 0x0A,

    /// <summary>REGISTER request.</summary>
    Register = 0x0B,

    /// <summary>EVENT response (stream -1).</summary>
    Event = 0x0C,

    /// <summary>BATCH request.</summary>
    Batch = 0x0D,

    /// <summary>AUTH_CHALLENGE response.</summary>
    AuthChallenge = 0x0E,

    /// <summary>AUTH_RESPONSE request.</summary>
    AuthResponse = 0x0F,

    /// <summary>AUTH_SUCCESS response.</summary>
    AuthSuccess = 0x10,
}

namespace Gateway.Node.Streams.Preread;

/// <summary>What a pre-read parser made of the bytes received so far on a stream connection.</summary>
public enum PrereadStatus
{
    /// <summary>The bytes hold a whole, valid structure; its results are set.</summary>
    Complete,

    /// <summary>The bytes are a valid prefix: read more and parse again from the start.</summary>
    NeedMore,

    /// <summary>The bytes can never become a valid structure; the connection should be closed.</summary>
    Invalid,
}

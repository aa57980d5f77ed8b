namespace Gateway.Plugins.Sdk.Pdk;

/// <summary>What <see cref="VerificationCache.VerifyAsync"/> found.</summary>
public enum VerificationOutcome
{
    /// <summary>The given secret matches the stored one.</summary>
    Valid,

    /// <summary>It does not.</summary>
    Invalid,

    /// <summary>No verdict: the check was not run because the pool's queue was full.</summary>
    Busy,
}

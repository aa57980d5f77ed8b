namespace Gateway.Storage.Audit;

/// <summary>What <see cref="AuditVerifier"/> found.</summary>
/// <param name="Intact">Whether every kept record links to its predecessor, the last one is the chain's head and, when checked, every signature holds.</param>
/// <param name="Records">How many records were checked.</param>
/// <param name="Anchor">Where the kept chain starts (the last purged record).</param>
/// <param name="Head">The chain's head when the walk started; records appended since are left for the next walk.</param>
/// <param name="SignaturesChecked">Whether signatures were verified (a public key was given).</param>
/// <param name="BadSequence">The first record found wrong (or missing); null when intact.</param>
/// <param name="Problem">Why, in one line; null when intact.</param>
public sealed record AuditVerification(
    bool Intact, long Records, AuditAnchor Anchor, AuditAnchor Head, bool SignaturesChecked, long? BadSequence, string? Problem)
{
    /// <summary>One line for people: what was checked, or the first record wrong and why.</summary>
    public string Describe() => Intact
        ? $"audit chain intact: {Records} records, sequences {Anchor.Sequence + 1}..{Head.Sequence}{(SignaturesChecked ? ", every signature verified" : "")}"
        : $"audit chain broken at record {BadSequence}: {Problem}";
}

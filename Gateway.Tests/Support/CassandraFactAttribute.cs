namespace Gateway.Tests.Support;

/// <summary>A fact that needs a real Cassandra: skipped, with the reason, unless CASSANDRA_CONTACT_POINTS is set.</summary>
public sealed class CassandraFactAttribute : FactAttribute
{
    /// <summary>The variable that names the contact points ("host[:port],...").</summary>
    public const string Variable = "CASSANDRA_CONTACT_POINTS";

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when the variable is unset (xunit 2 reads it at discovery).</summary>
    public CassandraFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"{Variable} is not set: no Cassandra to run against";
        }
    }
}

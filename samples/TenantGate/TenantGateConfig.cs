namespace Samples.TenantGate;

/// <summary>
/// The plugin's config record, read from the validated config (snake_case names:
/// <c>header_name</c>, <c>allowed</c>, <c>echo_downstream</c>).
/// </summary>
/// <param name="HeaderName">The request header naming the tenant.</param>
/// <param name="Allowed">The tenants let through.</param>
/// <param name="EchoDownstream">Whether to send the tenant back in the response.</param>
public sealed record TenantGateConfig(string HeaderName, string[] Allowed, bool EchoDownstream);

using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Schema;

namespace Samples.TenantGate;

/// <summary>
/// An example custom plugin, "tenant-gate": only requests naming an allowed tenant in a header reach
/// the upstream, which learns the tenant from X-Tenant-Verified; the response carries the tenant back.
/// </summary>
public sealed class TenantGatePlugin : GatewayPlugin<TenantGateConfig>
{
    /// <summary>
    /// The config schema: validates plugin rows in the Admin API and declarative files, fills defaults,
    /// and is served at /schemas/plugins/tenant-gate. Priority 900 runs it after the auth plugins
    /// (key-auth is 1250) and before rate limiting (910 is higher, so rate limiting runs first). The
    /// fields are the bundled plugins' own field types (<see cref="PluginFields"/>): header_name is
    /// checked as Kong checks a header name.
    /// </summary>
    public override PluginSchema Schema { get; } = new("tenant-gate", 900, PluginFields.Record("config", "The tenant-gate settings.",
        PluginFields.HeaderName("header_name", "X-Tenant", "The request header naming the tenant.") with { Required = true },
        PluginFields.Set("allowed", PluginFields.Element(), "The tenants let through.") with { Required = true },
        PluginFields.Bool("echo_downstream", true, "Whether to send the tenant back.")));

    /// <summary>Access: refuse unknown tenants; tell the upstream which tenant it serves.</summary>
    public override ValueTask AccessAsync(PluginContext context, TenantGateConfig config)
    {
        var tenant = context.Http.Request.Headers[config.HeaderName].ToString();
        if (tenant.Length == 0)
        {
            context.Exit(400, new JsonObject { ["message"] = $"No tenant in {config.HeaderName}" });
            return ValueTask.CompletedTask;
        }

        if (!config.Allowed.Contains(tenant, StringComparer.Ordinal))
        {
            context.Exit(403, new JsonObject { ["message"] = $"Tenant '{tenant}' is not allowed" });
            return ValueTask.CompletedTask;
        }

        context.Http.Request.Headers["X-Tenant-Verified"] = tenant;
        context.Shared["tenant-gate"] = tenant;
        return ValueTask.CompletedTask;
    }

    /// <summary>Header filter: echo the verified tenant (runs on refusals too, which have none).</summary>
    public override void HeaderFilter(PluginContext context, TenantGateConfig config)
    {
        if (config.EchoDownstream && context.Shared.TryGetValue("tenant-gate", out var tenant))
        {
            context.Http.Response.Headers[config.HeaderName] = (string?)tenant;
        }
    }
}

using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.IpRestriction;

/// <summary>
/// Kong's ip-restriction (kong/plugins/ip-restriction/handler.lua): the deny list is checked first,
/// then the allow list; a refusal is <c>kong.response.error(status or 403, message or
/// "IP address not allowed: &lt;ip&gt;")</c>.
/// </summary>
public sealed class IpRestrictionPlugin : GatewayPlugin<IpRestrictionConfig>
{
    /// <inheritdoc />
    public override PluginSchema Schema => IpRestrictionSchema.Schema;

    /// <inheritdoc />
    public override ValueTask AccessAsync(PluginContext context, IpRestrictionConfig config)
    {
        var remote = IpNetworks.ClientAddress(context);
        if (remote is null)
        {
            context.Error(403, "Cannot identify the client IP address, unix domain sockets are not supported.");
            return ValueTask.CompletedTask;
        }

        if (IpNetworks.Contains(config.DenyNetworks, remote) || (config.AllowNetworks.Length > 0 && !IpNetworks.Contains(config.AllowNetworks, remote)))
        {
            context.Error((int)(config.Status ?? 403), config.Message ?? $"IP address not allowed: {remote}");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Kong's preread: the same lists on a stream connection; a refusal closes it (Kong sends nothing on a stream).</summary>
    public override ValueTask PrereadAsync(StreamContext context, IpRestrictionConfig config)
    {
        var remote = context.ClientAddress;
        if (IpNetworks.Contains(config.DenyNetworks, remote) || (config.AllowNetworks.Length > 0 && !IpNetworks.Contains(config.AllowNetworks, remote)))
        {
            context.Exit((int)(config.Status ?? 403), config.Message ?? $"IP address not allowed: {remote}");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override IpRestrictionConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with { AllowNetworks = IpNetworks.Parse(read.Allow), DenyNetworks = IpNetworks.Parse(read.Deny) };
    }
}

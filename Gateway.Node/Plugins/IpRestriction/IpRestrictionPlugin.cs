using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Storage.Schema;

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
        var remote = context.Http.Connection.RemoteIpAddress;
        if (remote is null)
        {
            context.Error(403, "Cannot identify the client IP address, unix domain sockets are not supported.");
            return ValueTask.CompletedTask;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (Matches(config.DenyNetworks, remote) || (config.AllowNetworks.Length > 0 && !Matches(config.AllowNetworks, remote)))
        {
            context.Error((int)(config.Status ?? 403), config.Message ?? $"IP address not allowed: {remote}");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override IpRestrictionConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var read = base.CreateConfig(config, instance);
        return read with { AllowNetworks = Parse(read.Allow), DenyNetworks = Parse(read.Deny) };
    }

    private static bool Matches(IPNetwork[] networks, IPAddress address)
    {
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPNetwork[] Parse(string[]? entries) => [.. (entries ?? []).Select(Parse)];

    /// <summary>An address or CIDR; host bits after the prefix are cleared, as Kong's ipmatcher ignores them.</summary>
    private static IPNetwork Parse(string entry)
    {
        var slash = entry.IndexOf('/');
        var address = IPAddress.Parse(slash < 0 ? entry : entry[..slash]);
        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = slash < 0 ? bits : int.Parse(entry.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture);
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPNetwork(new IPAddress(bytes), prefix);
    }
}

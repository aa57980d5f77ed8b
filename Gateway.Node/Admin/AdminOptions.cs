using System.Text.Json.Nodes;

namespace Gateway.Node.Admin;

/// <summary>What the Admin API needs to know about the node it runs on.</summary>
/// <param name="Identity">The node's id and host name.</param>
/// <param name="Configuration">The settings shown under <c>configuration</c> in <c>/</c>, secrets masked.</param>
/// <param name="EnabledPlugins">The plugins named by the <c>plugins</c> setting.</param>
/// <param name="Body">How much of a request body is taken, and how long the API waits for it.</param>
public sealed record AdminOptions(NodeIdentity Identity, JsonObject Configuration, IReadOnlyList<string> EnabledPlugins, BodyLimits Body);

using System.Text.Json.Nodes;

namespace Gateway.Plugins.Sdk;

/// <summary>A plugin's Admin API answer (Kong's <c>kong.response.exit</c> in api.lua): a status and a JSON body, or none.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The body, sent as JSON; null for none.</param>
public readonly record struct PluginAdminAnswer(int Status, JsonNode? Body = null);

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Gateway.Plugins.Sdk;

/// <summary>An Admin API request to one of a plugin's <see cref="PluginAdminRoute"/>s.</summary>
/// <param name="Http">The request.</param>
/// <param name="Parameters">The path's <c>:name</c> segments by name (Kong's <c>self.params</c>).</param>
/// <param name="Rows">
/// This plugin's rows (Kong's <c>kong.db.plugins</c> of its name) in the node's current config, validated, defaults filled:
/// read from the node's snapshot, never the database.
/// </param>
public sealed record PluginAdminRequest(HttpContext Http, IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<JsonObject> Rows);

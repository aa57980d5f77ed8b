using System.Text.Json.Nodes;

namespace Gateway.Schema;

/// <summary>
/// A cross-field rule on a whole entity or record, run after every field is valid (Kong's
/// <c>entity_checks</c>). It reports into <paramref name="errors"/>.
/// </summary>
public delegate void EntityCheck(JsonObject entity, ValidationErrors errors);

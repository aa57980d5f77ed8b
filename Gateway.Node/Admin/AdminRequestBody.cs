using System.Text.Json.Nodes;

namespace Gateway.Node.Admin;

/// <summary>An Admin API request's body as its endpoint read it (JSON, form or multipart, decoded), set on <c>HttpContext.Features</c> for the audit log.</summary>
/// <param name="Body">The decoded body.</param>
public sealed record AdminRequestBody(JsonObject Body);

using System.Text.Json.Nodes;

namespace Gateway.Node.Admin;

/// <summary>
/// A request the Admin API refuses, carrying the HTTP status and Kong's error body. Thrown from
/// anywhere below the dispatcher and written by it, so handlers stay linear.
/// </summary>
public sealed class AdminException(int status, JsonObject body) : Exception(body["message"]?.ToString())
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>The JSON body, as Kong sends it.</summary>
    public JsonObject Body { get; } = body;

    /// <summary>A plain <c>{"message": ...}</c> error.</summary>
    public static AdminException WithMessage(int status, string message) => new(status, new JsonObject { ["message"] = message });

    /// <summary>404 <c>{"message":"Not found"}</c>.</summary>
    public static AdminException NotFound() => WithMessage(404, "Not found");

    /// <summary>405 <c>{"message":"Method not allowed"}</c>.</summary>
    public static AdminException MethodNotAllowed() => WithMessage(405, "Method not allowed");

    /// <summary>A Kong DAO error: <c>{code, name, message, fields}</c> (kong/db/errors.lua).</summary>
    public static AdminException Kong(KongError error, string message, JsonObject? fields = null)
    {
        // Kong files the details of invalid options under "options", everything else under "fields".
        var detailsKey = error == KongError.InvalidOptions ? "options" : "fields";
        var body = new JsonObject
        {
            ["code"] = (int)error,
            ["name"] = KongErrors.Name(error),
            ["message"] = message,
        };
        if (fields is not null)
        {
            body[detailsKey] = fields;
        }

        return new AdminException(KongErrors.HttpStatus(error), body);
    }
}

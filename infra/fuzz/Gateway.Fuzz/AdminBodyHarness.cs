using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Pipeline;
using Gateway.Schema;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fuzz;

/// <summary>
/// The Admin API body readers (<see cref="RequestBody.ReadAsync"/>) on a request whose body is the input.
/// The only exception they document for a bad body is <see cref="AdminException"/> (400, 413, 415).
/// </summary>
internal static class AdminBodyHarness
{
    /// <summary>The Admin API's defaults: 1 MB (nginx_admin_client_max_body_size is 10m; less keeps runs fast), no stall in memory.</summary>
    private static readonly BodyLimits Limits = new(1024 * 1024, TimeSpan.FromSeconds(60));

    private static readonly SchemaRegistry Registry = PluginCatalog.Bundled.CreateRegistry();

    /// <summary>Form bodies are typed by the entity's schema: the input's first byte picks one (or none).</summary>
    private static readonly EntitySchema?[] Schemas =
        [null, .. new[] { "services", "routes", "plugins", "consumers", "upstreams", "certificates" }.Select(Registry.Get)];

    /// <summary>An <c>application/json</c> body.</summary>
    public static void Json(ReadOnlySpan<byte> input) => Read("application/json", null, input);

    /// <summary>An <c>application/x-www-form-urlencoded</c> body after the schema byte.</summary>
    public static void Form(ReadOnlySpan<byte> input)
    {
        if (input.Length > 0)
        {
            Read("application/x-www-form-urlencoded", Schemas[input[0] % Schemas.Length], input[1..]);
        }
    }

    /// <summary>A <c>multipart/form-data</c> body (boundary <c>fuzz</c>) after the schema byte.</summary>
    public static void Multipart(ReadOnlySpan<byte> input)
    {
        if (input.Length > 0)
        {
            Read("multipart/form-data; boundary=fuzz", Schemas[input[0] % Schemas.Length], input[1..]);
        }
    }

    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Walk(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item);
                }

                break;
        }
    }

    private static void Read(string contentType, EntitySchema? schema, ReadOnlySpan<byte> body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body.ToArray());
        try
        {
            var read = RequestBody.ReadAsync(context, schema, Registry, Limits).GetAwaiter().GetResult();

            // What the Admin API does next with a body: read every member (validation) and write it back as JSON.
            Walk(read);
            _ = read.ToJsonString();
        }
        catch (AdminException)
        {
            // A refused body: the 4xx the caller sees.
        }
    }
}

using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Node.Plugins.OAuth2;

/// <summary>
/// Kong's retrieve_parameters: the query string, merged with the body (form, JSON or multipart) for POST, PUT and
/// PATCH, the body winning. A value is a string, or something else (a repeated name, a bare <c>?name</c>, a JSON array).
/// </summary>
internal sealed class OAuth2Parameters(QueryArgs query, FormBody? body)
{
    /// <summary>Reads the request's parameters.</summary>
    public static async Task<OAuth2Parameters> ReadAsync(PluginContext context)
    {
        var request = context.Http.Request;
        FormBody? body = null;
        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            body = await RequestBodies.ReadAsync(request) is { } bytes ? await FormBody.ParseAsync(bytes, request.ContentType) : null;
        }

        return new OAuth2Parameters(QueryArgs.Parse(context.UpstreamQuery), body);
    }

    /// <summary>The value when it is one string; null when absent or not a string.</summary>
    public string? this[string name] => Find(name) is (FormBody.Kind.String, var value) ? value : null;

    /// <summary>Whether the parameter was sent at all (a string or not).</summary>
    public bool Has(string name) => Find(name).Kind != FormBody.Kind.None;

    private (FormBody.Kind Kind, string? Value) Find(string name)
    {
        if (body?.Find(name) is { Kind: not FormBody.Kind.None } inBody)
        {
            return inBody;
        }

        // A bare "?name" is Lua's true: present, but not a string (reported as a table, the other non-string).
        return query.Get(name) switch
        {
            [] => (FormBody.Kind.None, null),
            [{ } value] => (FormBody.Kind.String, value),
            _ => (FormBody.Kind.Table, null),
        };
    }
}

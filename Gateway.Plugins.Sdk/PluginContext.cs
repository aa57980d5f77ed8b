using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk.Engine;
using Microsoft.AspNetCore.Http;

namespace Gateway.Plugins.Sdk;

/// <summary>
/// One request as plugins see it: Kong's PDK (<c>kong.request</c>, <c>kong.client</c>,
/// <c>kong.service.request</c>, <c>kong.response</c>, <c>kong.ctx.shared</c>) in one object. Request
/// headers changed on <see cref="Http"/> go to the upstream as changed; the upstream path, query and
/// host are set here. The engine creates one for each request that runs at least one plugin, and tells
/// it the matched route through <see cref="IPluginContextEngine"/>.
/// </summary>
public sealed class PluginContext : IPluginContextEngine
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private static readonly IReadOnlyDictionary<string, string> EmptyCaptures = new Dictionary<string, string>();

    /// <summary>Compact JSON that escapes only what JSON requires, as Kong's cjson (quotes and apostrophes stay as written).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions ExitJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private Dictionary<string, object?>? _shared;
    private Dictionary<string, JsonNode?>? _logValues;

    /// <summary>A context for one request: its ASP.NET Core objects, how the engine forwards it, and the consumer look-ups.</summary>
    public PluginContext(HttpContext http, in PluginRequest request, IConsumerStore consumers)
    {
        Http = http;
        RequestId = request.RequestId;
        ClientIp = request.ClientIp;
        Scheme = request.Scheme;
        Host = request.Host;
        Path = request.Path;
        Consumers = consumers;
    }

    /// <summary>
    /// A context over a bare <see cref="HttpContext"/>, for unit tests of a plugin's phases without a node
    /// (a <c>DefaultHttpContext</c> will do); consumer look-ups find nothing unless a store is given.
    /// </summary>
    public static PluginContext ForTests(HttpContext http, IConsumerStore? consumers = null) =>
        new(http, PluginRequest.From(http), consumers ?? NoConsumers.Instance)
        {
            UpstreamPath = http.Request.Path.HasValue ? http.Request.Path.Value! : "/",
            UpstreamQuery = http.Request.QueryString.Value ?? "",
        };

    /// <summary>The ASP.NET Core request and response: read and change headers, method and body here.</summary>
    public HttpContext Http { get; }

    /// <summary>The request's spans (Kong's <c>kong.tracing</c>), when tracing_instrumentations is on and a tracing plugin is configured; else null.</summary>
    public Tracing.RequestTrace? Trace { get; init; }

    /// <summary>Calls to the config's services through their balancers, as the proxy makes them; null outside a node (unit tests).</summary>
    public ServiceCalls.IServiceClient? Services { get; init; }

    /// <summary>The request id Kong sends as X-Kong-Request-Id and puts in error bodies.</summary>
    public string RequestId { get; }

    /// <summary>The client's address (Kong's <c>kong.client.get_forwarded_ip</c>: X-Real-IP as sent upstream).</summary>
    public string ClientIp { get; }

    /// <summary>The request's scheme as forwarded ("http" or "https").</summary>
    public string Scheme { get; }

    /// <summary>The request's host name as forwarded (no port, lower case).</summary>
    public string Host { get; }

    /// <summary>The normalized request path the router matched on (no query).</summary>
    public string Path { get; }

    /// <summary>Consumer and credential look-ups for auth plugins.</summary>
    public IConsumerStore Consumers { get; }

    /// <summary>The matched route's row; null in the rewrite phase.</summary>
    public JsonObject? Route { get; private set; }

    /// <summary>The matched service's row; null in the rewrite phase or for a serviceless route.</summary>
    public JsonObject? Service { get; private set; }

    /// <summary>The matched route's id.</summary>
    public string? RouteId { get; private set; }

    /// <summary>The matched service's id.</summary>
    public string? ServiceId { get; private set; }

    /// <summary>A regex route path's numbered captures (0 is the whole match; null where a group did not match); empty otherwise.</summary>
    public IReadOnlyList<string?> UriCaptures { get; private set; } = [];

    /// <summary>A regex route path's named captures; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> NamedUriCaptures { get; private set; } = EmptyCaptures;

    /// <summary>The authenticated consumer's row (Kong's <c>kong.client.get_consumer</c>); null until an auth plugin sets it.</summary>
    public JsonObject? Consumer { get; private set; }

    /// <summary>The credential the consumer authenticated with (<c>kong.client.get_credential</c>).</summary>
    public JsonObject? Credential { get; private set; }

    /// <summary>The consumer's id, or null.</summary>
    /// <remarks>Read once when the consumer is set: a parsed row's value makes a new string on every read.</remarks>
    public string? ConsumerId { get; private set; }

    /// <summary>
    /// The path sent to the upstream, percent-escaped, without the query (the service path joined with
    /// what is left after strip_path). Set it to rewrite the upstream path.
    /// </summary>
    public string UpstreamPath { get; set; } = "/";

    /// <summary>The query sent to the upstream: empty, or starting with '?'. Starts as the client's.</summary>
    public string UpstreamQuery { get; set; } = "";

    /// <summary>The Host header sent upstream instead of the usual one (preserve_host or the target's); null to keep it.</summary>
    public string? UpstreamHost { get; set; }

    /// <summary>Request-scoped values plugins share (Kong's <c>kong.ctx.shared</c>); key by your plugin's name.</summary>
    public IDictionary<string, object?> Shared => _shared ??= new Dictionary<string, object?>(StringComparer.Ordinal);

    /// <summary>Extra fields for log plugins' serialized record (Kong's <c>kong.log.set_serialize_value</c>).</summary>
    public IDictionary<string, JsonNode?> LogValues => _logValues ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    /// <summary>The answer a plugin gave, if any; access handlers after it do not run.</summary>
    public PluginExit? Exited { get; private set; }

    /// <inheritdoc />
    IReadOnlyDictionary<string, JsonNode?>? IPluginContextEngine.LogValuesIfAny => _logValues;

    /// <inheritdoc />
    IReadOnlyDictionary<string, object?>? IPluginContextEngine.SharedIfAny => _shared;

    /// <summary>
    /// Sets the authenticated consumer and credential (Kong's <c>kong.client.authenticate</c>). Plugins
    /// later in the access phase are then looked up with consumer scoping, as in Kong.
    /// </summary>
    public void Authenticate(JsonObject? consumer, JsonObject? credential)
    {
        Consumer = consumer;
        Credential = credential;
        ConsumerId = consumer?["id"]?.GetValue<string>();
    }

    /// <summary>
    /// The anonymous fallback of Kong's auth plugins (<c>config.anonymous</c>, a consumer id or username):
    /// authenticates that consumer without a credential and sets the consumer headers with
    /// X-Anonymous-Consumer: true. When no such consumer exists, answers 500 as Kong does and returns false.
    /// </summary>
    public async ValueTask<bool> AuthenticateAnonymousAsync(string anonymous)
    {
        var consumer = await Consumers.LoadConsumerAsync(anonymous, searchByUsername: true);
        if (consumer is null)
        {
            Error(500, $"anonymous consumer {anonymous} is configured but doesn't exist");
            return false;
        }

        Authenticate(consumer, null);
        SetConsumerHeaders(consumer, null, anonymous: true);
        return true;
    }

    /// <summary>
    /// Kong's consumer headers sent upstream by auth plugins (X-Consumer-ID, X-Consumer-Custom-ID,
    /// X-Consumer-Username, X-Credential-Identifier, X-Anonymous-Consumer): set from the consumer, or
    /// removed where it has no value, so a client cannot forge them.
    /// </summary>
    public void SetConsumerHeaders(JsonObject? consumer, string? credentialIdentifier, bool anonymous)
    {
        var headers = Http.Request.Headers;
        Set(headers, "X-Consumer-ID", consumer?["id"]?.GetValue<string>());
        Set(headers, "X-Consumer-Custom-ID", consumer?["custom_id"]?.GetValue<string>());
        Set(headers, "X-Consumer-Username", consumer?["username"]?.GetValue<string>());
        Set(headers, "X-Credential-Identifier", credentialIdentifier);
        Set(headers, "X-Anonymous-Consumer", anonymous ? "true" : null);

        static void Set(IHeaderDictionary headers, string name, string? value)
        {
            if (value is null)
            {
                headers.Remove(name);
            }
            else
            {
                headers[name] = value;
            }
        }
    }

    /// <summary>
    /// Answers the request without the upstream (Kong's <c>kong.response.exit</c>): a JSON body is sent
    /// compact with <c>application/json; charset=utf-8</c> unless <paramref name="headers"/> set a
    /// Content-Type. Later access handlers do not run; header filters and log still do.
    /// </summary>
    public void Exit(int status, JsonNode? body = null, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Exited ??= new PluginExit(status, body?.ToJsonString(ExitJson), body is null ? null : JsonContentType, [.. headers ?? []], false);

    /// <summary>Answers with a raw body and content type (<c>kong.response.exit(status, "text", {["Content-Type"]=...})</c>).</summary>
    public void Exit(int status, string body, string? contentType, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Exited ??= new PluginExit(status, body, contentType, [.. headers ?? []], false);

    /// <summary>
    /// Answers with a body read from <paramref name="body"/> as it arrives (an upstream's answer passed on); the engine
    /// disposes it once sent. Headers are sent as given, Content-Type and Content-Length among them.
    /// </summary>
    public void ExitStreamed(int status, Stream body, IEnumerable<KeyValuePair<string, string>> headers) =>
        Exited ??= new PluginExit(status, null, null, [.. headers], false) { BodyStream = body };

    /// <summary>
    /// Answers with Kong's error template (<c>kong.response.error</c>): <c>{"message":...,"request_id":...}</c>
    /// in the format Accept asks for (JSON by default); <paramref name="message"/> null uses the status's default text.
    /// </summary>
    public void Error(int status, string? message = null, IEnumerable<KeyValuePair<string, string>>? headers = null) =>
        Exited ??= new PluginExit(status, message, null, [.. headers ?? []], true);

    /// <summary>A short-hand for a JSON <c>{"message": ...}</c> body, the shape most Kong plugins answer with.</summary>
    public static JsonObject Message(string message) => new() { ["message"] = message };

    /// <inheritdoc />
    void IPluginContextEngine.SetRoute(in PluginRoute route)
    {
        Route = route.Route;
        RouteId = route.RouteId;
        Service = route.Service;
        ServiceId = route.ServiceId;
        UriCaptures = route.UriCaptures ?? [];
        NamedUriCaptures = route.NamedUriCaptures ?? EmptyCaptures;
    }

    private sealed class NoConsumers : IConsumerStore
    {
        public static readonly NoConsumers Instance = new();

        public Task<JsonObject?> FindAsync(string entity, string field, string value) => Task.FromResult<JsonObject?>(null);

        public Task<IReadOnlyList<JsonObject>> ListAsync(string entity, string foreignField, string id) =>
            Task.FromResult<IReadOnlyList<JsonObject>>([]);
    }
}

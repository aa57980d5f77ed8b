using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Node.Plugins.Queues;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.Streams;
using Gateway.Schema;

namespace Gateway.Node.Plugins.HttpLog;

/// <summary>
/// Kong's http-log (kong/plugins/http-log/handler.lua): sends each request's serialized log record
/// (<see cref="PluginLog.Serialize"/>) to <c>http_endpoint</c>, batched by the row's queue
/// (<see cref="LogQueue"/>): one JSON object per request when <c>max_batch_size</c> is 1, else a JSON
/// array. User info in the endpoint becomes a Basic Authorization header. <c>custom_fields_by_lua</c>
/// is Lua and is ignored.
/// </summary>
public sealed partial class HttpLogPlugin : GatewayPlugin<HttpLogConfig>
{
    /// <summary>One connection pool for every endpoint; Kong's http-log does not verify certificates either.</summary>
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        AllowAutoRedirect = false,
        UseCookies = false,
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private readonly RowQueues<HttpLogConfig> _queues;
    private readonly LogPluginWarnings _warnings;

    /// <summary>Makes the plugin; <paramref name="services"/> gives its logger.</summary>
    public HttpLogPlugin(PluginServices services)
    {
        _warnings = new LogPluginWarnings(services, "http-log", LogLevel.Warning);
        _queues = new RowQueues<HttpLogConfig>(c => c.InstanceId, c => c.Queue, SendAsync, _warnings.Warn);
    }

    /// <inheritdoc />
    public override PluginSchema Schema => HttpLogSchema.Schema;

    /// <inheritdoc />
    public override void Log(PluginLog log, HttpLogConfig config) =>
        _queues.For(config).Enqueue(JsonSerializer.SerializeToUtf8Bytes(log.Serialize()));

    /// <inheritdoc />
    public override void LogStream(StreamSessionLog log, HttpLogConfig config) =>
        _queues.For(config).Enqueue(JsonSerializer.SerializeToUtf8Bytes(log.Serialize()));

    /// <summary>Kong's payload: the entry itself for batches of one, else the entries as a JSON array.</summary>
    internal static HttpContent Payload(IReadOnlyList<byte[]> entries, int maxBatchSize) =>
        maxBatchSize == 1 && entries.Count == 1 ? new ByteArrayContent(entries[0]) : BatchContent.JsonArray(entries);

    /// <inheritdoc />
    protected override HttpLogConfig CreateConfig(JsonObject config, PluginInstance instance)
    {
        var compiled = base.CreateConfig(config, instance) with { InstanceId = instance.Id };

        // Kong's Queue.get_plugin_params: the legacy settings win over the queue record when set to a non-default value.
        var queue = compiled.Queue;
        if (compiled.RetryCount is { } retries && retries != 10)
        {
            _warnings.Warn("the retry_count parameter no longer works, please update your configuration to use initial_retry_delay and max_retry_time instead");
        }

        if (compiled.QueueSize is { } size && size != 1)
        {
            queue = queue with { MaxBatchSize = size };
            _warnings.Warn("the queue_size parameter is deprecated, please update your configuration to use queue.max_batch_size instead");
        }

        if (compiled.FlushTimeout is { } flush && flush != 2)
        {
            queue = queue with { MaxCoalescingDelay = flush };
            _warnings.Warn("the flush_timeout parameter is deprecated, please update your configuration to use queue.max_coalescing_delay instead");
        }

        _warnings.LuaFieldsIgnored(compiled.CustomFieldsByLua);

        return compiled with { Queue = queue };
    }

    private async Task SendAsync(HttpLogConfig config, IReadOnlyList<byte[]> batch, CancellationToken token)
    {
        var endpoint = new Uri(config.HttpEndpoint);
        var target = endpoint;
        using var request = new HttpRequestMessage(new HttpMethod(config.Method), target);
        if (endpoint.UserInfo.Length > 0)
        {
            target = new UriBuilder(endpoint) { UserName = "", Password = "" }.Uri;
            request.RequestUri = target;
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(endpoint.UserInfo))));
        }

        foreach (var (name, value) in config.Headers ?? [])
        {
            if (!(name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && request.Headers.Authorization is not null))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Content = Payload(batch, config.Queue.MaxBatchSize);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", config.ContentType);
        var (status, body) = await BatchSender.SendAsync(Client, request, config.Timeout, $"failed request to {endpoint.Host}:{endpoint.Port}", token);
        if (status >= 300)
        {
            throw new HttpRequestException($"request to {endpoint.Host}:{endpoint.Port} returned status code {status} and body {body}");
        }
    }
}

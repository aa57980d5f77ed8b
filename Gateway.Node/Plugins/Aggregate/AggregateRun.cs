using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;
using Gateway.Plugins.Sdk.ServiceCalls;

namespace Gateway.Node.Plugins.Aggregate;

/// <summary>
/// One client request's fan-out: every backend starts as soon as the backends it depends on have answered (the
/// others at once), each through <see cref="IServiceClient"/> under its own timeout and the whole fan-out's; a
/// client that goes away cancels them all. Then the answer (<see cref="AggregateAnswer"/>).
/// </summary>
internal sealed class AggregateRun
{
    /// <summary>The headers of a passed-on answer that belong to its connection, not to it.</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private readonly PluginContext _context;
    private readonly AggregateConfig _config;
    private readonly IServiceClient _services;
    private readonly TemplateValues _values;
    private readonly Task<BackendResult>[] _calls;
    private ReadOnlyMemory<byte>? _body;
    private HttpResponseMessage? _passedOn;

    private AggregateRun(PluginContext context, AggregateConfig config, IServiceClient services)
    {
        _context = context;
        _config = config;
        _services = services;
        _values = new TemplateValues(context);
        _calls = new Task<BackendResult>[config.Backends.Length];
    }

    /// <summary>Calls the backends and answers the client through <see cref="PluginContext.Exit(int, JsonNode?, IEnumerable{KeyValuePair{string, string}}?)"/>.</summary>
    public static async ValueTask RunAsync(PluginContext context, AggregateConfig config, IServiceClient services)
    {
        var run = new AggregateRun(context, config, services);
        var aborted = context.Http.RequestAborted;
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        whole.CancelAfter(config.Timeout);
        if (config.Backends.Any(b => b.ForwardBody))
        {
            run._body = await ReadBodyAsync(context.Http.Request, whole.Token);
        }

        foreach (var index in config.Order)
        {
            run._calls[index] = run.CallAsync(config.Backends[index], whole.Token);
        }

        var results = await Task.WhenAll(run._calls);
        if (aborted.IsCancellationRequested)
        {
            run._passedOn?.Dispose();

            // Nobody to answer: 499, nginx's status for a client that closed the connection, for the log.
            context.Exit(StatusCodes.Status499ClientClosedRequest);
            return;
        }

        context.LogValues["aggregate"] = AggregateAnswer.Statuses(config, results);
        if (run._passedOn is { } response)
        {
            PassOn(context, response, results[0]);
            return;
        }

        AggregateAnswer.Exit(context, config, results);
    }

    /// <summary>One backend: wait for its dependencies, fill its path, call it, read and shape its answer.</summary>
    private async Task<BackendResult> CallAsync(AggregateBackend backend, CancellationToken whole)
    {
        var answers = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var dependency in backend.Dependencies)
        {
            var result = await _calls[dependency];
            if (!result.Answered)
            {
                return BackendResult.Skipped;
            }

            answers[_config.Backends[dependency].Name] = result.Answer;
        }

        if (backend.Template.Render(_values, answers) is not { } path)
        {
            return BackendResult.Skipped;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(whole);
        timeout.CancelAfter(backend.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await _services.SendAsync(_context, backend.Service, Request(backend, path), timeout.Token);
        }
        catch (ServiceCallException e)
        {
            return e.Failure == ServiceCallFailure.Timeout ? BackendResult.TimedOut
                : new BackendResult(BackendOutcome.Failed, e.Failure == ServiceCallFailure.Failed ? 502 : 503);
        }
        catch (OperationCanceledException)
        {
            return BackendResult.TimedOut;
        }

        var status = (int)response.StatusCode;
        if (_config.Backends.Length == 1 && !IsJson(response.Content.Headers.ContentType))
        {
            // One backend that does not answer JSON: its answer goes to the client untouched, streamed.
            _passedOn = response;
            return new BackendResult(status is >= 200 and < 300 ? BackendOutcome.Answered : BackendOutcome.Failed, status);
        }

        using (response)
        {
            try
            {
                var bytes = await ReadBoundedAsync(response.Content, _config.MaxResponseSize, timeout.Token);
                if (bytes is null || status is < 200 or >= 300)
                {
                    return new BackendResult(BackendOutcome.Failed, status);
                }

                var answer = JsonNode.Parse(bytes);
                return AnswerShape.Of(backend, answer) is { } part
                    ? new BackendResult(BackendOutcome.Answered, status, answer, part)
                    : new BackendResult(BackendOutcome.Failed, status);
            }
            catch (JsonException)
            {
                return new BackendResult(BackendOutcome.Failed, status);
            }
            catch (OperationCanceledException)
            {
                return BackendResult.TimedOut;
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                return new BackendResult(BackendOutcome.Failed, status);
            }
        }
    }

    private ServiceRequest Request(AggregateBackend backend, string path)
    {
        var query = _context.Http.Request.QueryString;
        if (backend.ForwardQuery && query.HasValue && query.Value!.Length > 1)
        {
            path = path.Contains('?') ? string.Concat(path, "&", query.Value.AsSpan(1)) : path + query.Value;
        }

        var incoming = _context.Http.Request.Headers;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var name in backend.ForwardHeaders)
        {
            if (incoming.TryGetValue(name, out var values))
            {
                headers.AddRange(values.Where(v => v is not null).Select(v => new KeyValuePair<string, string>(name, v!)));
            }
        }

        return new ServiceRequest(backend.Method ?? _context.Http.Request.Method, path, headers, backend.ForwardBody ? _body : null);
    }

    /// <summary>The client's body, read once for every backend that forwards it (Kestrel's client_max_body_size bounds it).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return body.Length == 0 && request.ContentLength is null ? null : body.ToArray();
    }

    /// <summary>The whole body, or null past <paramref name="limit"/> bytes (by Content-Length, or while reading).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var read = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int count;
        while ((count = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (read.Length + count > limit)
            {
                return null;
            }

            read.Write(buffer, 0, count);
        }

        return read.ToArray();
    }

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The one backend's non-JSON answer as it came: status, headers (not its connection's) and body, streamed.</summary>
    private static void PassOn(PluginContext context, HttpResponseMessage response, BackendResult result)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => !HopByHop.Contains(h.Key))
            .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))
            .Append(AggregateAnswer.Completed(result.Answered));
        context.ExitStreamed((int)response.StatusCode, response.Content.ReadAsStream(), headers);
    }
}

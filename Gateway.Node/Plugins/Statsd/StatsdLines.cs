using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Plugins.Sdk;

namespace Gateway.Node.Plugins.Statsd;

/// <summary>
/// The statsd lines of one request (Kong's kong/plugins/statsd/log.lua and statsd_logger.lua). Without
/// <c>tag_style</c>, names carry the scope: <c>PREFIX.service.SERVICE.request.count:1|c</c> (the service per its
/// identifier, dots as underscores, <c>unnamed</c> when that is empty; <c>global.unmatched</c> with no service),
/// status and consumer metrics such as <c>PREFIX.service.SERVICE.user.CONSUMER.status.200:1|c</c>. With
/// <c>tag_style</c>, only the value metrics are sent, as <c>PREFIX.request.count</c> with service, route,
/// workspace, consumer and status tags in the chosen style. A latency of -1 (the upstream was not called) is not sent.
/// </summary>
public static class StatsdLines
{
    /// <summary>The lines of <paramref name="log"/> under <paramref name="config"/>, in the order of its metrics.</summary>
    public static List<string> For(PluginLog log, StatsdConfig config)
    {
        var lines = new List<string>(config.Metrics.Count);
        var status = log.Status.ToString(CultureInfo.InvariantCulture);
        var route = Text(log.Route?["id"]);
        foreach (var metric in config.Metrics)
        {
            var consumer = ConsumerId(log.Consumer, metric.ConsumerIdentifier ?? config.ConsumerIdentifierDefault);
            var workspace = log.Route is null ? null : "default";
            if (config.TagStyle is { } style)
            {
                if (Value(metric.Name, log) is { } tagged && tagged.Value != -1)
                {
                    var service = ServiceId(log.Service, metric.ServiceIdentifier ?? config.ServiceIdentifierDefault);
                    List<(string, string)> tags = [];
                    AddTag(tags, "service", service);
                    AddTag(tags, "route", route);
                    AddTag(tags, "workspace", workspace);
                    AddTag(tags, "consumer", consumer);
                    AddTag(tags, "status", status);
                    lines.Add(Line(config.NamePrefix, tagged.Stat, Number(tagged.Value), metric.StatType, metric.SampleRate, tags, style));
                }

                continue;
            }

            var scope = Scope(log.Service, metric.ServiceIdentifier ?? config.ServiceIdentifierDefault);
            switch (metric.Name)
            {
                case "unique_users" when consumer is not null:
                    lines.Add(Line(config.NamePrefix, $"{scope}.user.uniques", consumer, "set", null));
                    break;
                case "request_per_user" when consumer is not null:
                    lines.Add(Line(config.NamePrefix, $"{scope}.user.{consumer}.request.count", "1", "counter", metric.SampleRate));
                    break;
                case "status_count":
                    lines.Add(Line(config.NamePrefix, $"{scope}.status.{status}", "1", "counter", metric.SampleRate));
                    break;
                case "status_count_per_user" when consumer is not null:
                    lines.Add(Line(config.NamePrefix, $"{scope}.user.{consumer}.status.{status}", "1", "counter", metric.SampleRate));
                    break;
                case "status_count_per_workspace" when workspace is not null:
                    lines.Add(Line(config.NamePrefix, $"{scope}.workspace.{workspace}.status.{status}", "1", "counter", metric.SampleRate));
                    break;
                case "status_count_per_user_per_route" when consumer is not null && route is not null:
                    lines.Add(Line(config.NamePrefix, $"route.{route}.user.{consumer}.status.{status}", "1", "counter", metric.SampleRate));
                    break;
                default:
                    if (Value(metric.Name, log) is { } value && value.Value != -1)
                    {
                        lines.Add(Line(config.NamePrefix, $"{scope}.{value.Stat}", Number(value.Value), metric.StatType, metric.SampleRate));
                    }

                    break;
            }
        }

        return lines;
    }

    /// <summary>One statsd line: <c>NAME:VALUE|TYPE</c>, <c>|@RATE</c> when the rate is not 1, tags in <paramref name="style"/>.</summary>
    public static string Line(string prefix, string stat, string value, string statType, double? sampleRate, IReadOnlyList<(string Name, string Value)>? tags = null, string? style = null)
    {
        var kind = statType switch
        {
            "gauge" => "g",
            "counter" => "c",
            "timer" => "ms",
            "histogram" => "h",
            "meter" => "m",
            _ => "s",
        };
        var rate = sampleRate is { } r && r != 1 ? "|@" + r.ToString(CultureInfo.InvariantCulture) : "";
        if (tags is null || style is null)
        {
            return $"{prefix}.{stat}:{value}|{kind}{rate}";
        }

        var separator = style == "dogstatsd" ? ':' : '=';
        var joined = string.Join(',', tags.Select(t => $"{t.Name}{separator}{t.Value}"));
        return style switch
        {
            "dogstatsd" => $"{prefix}.{stat}:{value}|{kind}{rate}|#{joined}",
            "influxdb" => $"{prefix}.{stat},{joined}:{value}|{kind}{rate}",
            "librato" => $"{prefix}.{stat}#{joined}:{value}|{kind}{rate}",
            _ => $"{prefix}.{stat}[{joined}]:{value}|{kind}{rate}",
        };
    }

    private static (string Stat, long Value)? Value(string metric, PluginLog log) => metric switch
    {
        "request_count" => ("request.count", 1),
        "request_size" => ("request.size", log.RequestSize),
        "response_size" => ("response.size", log.ResponseSize),
        "latency" => ("latency", log.RequestLatency),
        "upstream_latency" => ("upstream_latency", log.ProxyLatency),
        "kong_latency" => ("kong_latency", log.KongLatency),
        _ => null,
    };

    private static string Scope(JsonObject? service, string identifier)
    {
        if (service is null)
        {
            return "global.unmatched";
        }

        var name = ServiceId(service, identifier);
        return "service." + (string.IsNullOrEmpty(name) ? "unnamed" : name.Replace('.', '_'));
    }

    private static string? ServiceId(JsonObject? service, string identifier) => service is null ? null : identifier switch
    {
        "service_id" => Text(service["id"]),
        "service_name" => Text(service["name"]),
        "service_host" => Text(service["host"]),
        _ => Text(service["name"]) ?? Text(service["host"]),
    };

    private static string? ConsumerId(JsonObject? consumer, string identifier) => consumer is null ? null : identifier switch
    {
        "consumer_id" => Text(consumer["id"]),
        "username" => Text(consumer["username"]),
        _ => Text(consumer["custom_id"]),
    };

    private static void AddTag(List<(string, string)> tags, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            tags.Add((name, value));
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

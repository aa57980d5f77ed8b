using System.Text;
using System.Text.Json.Nodes;
using Gateway.Schema;

namespace Gateway.Storage.Entities;

/// <summary>
/// The <c>routes</c> entity (kong/db/schema/entities/routes.lua with routes_subschemas.lua, for the
/// default <c>traditional_compatible</c> router flavor).
/// </summary>
public static class Routes
{
    /// <summary>Kong's mutually exclusive protocol families, in its order.</summary>
    public static readonly IReadOnlyList<string[]> ProtocolFamilies =
        [["http", "https"], ["tcp", "tls", "udp"], ["tls_passthrough"], ["grpc", "grpcs"]];

    private static readonly string[] SniProtocols = ["grpcs", "https", "tls", "tls_passthrough"];
    private static readonly string[] HttpFields = ["methods", "hosts", "headers", "paths"];
    private static readonly string[] GrpcFields = ["hosts", "headers", "paths"];

    /// <summary>The schema.</summary>
    public static EntitySchema Schema { get; } = new("routes",
    [
        Typedefs.Id(),
        Typedefs.CreatedAt(),
        Typedefs.UpdatedAt(),
        Typedefs.Utf8Name() with { Description = "The name of the Route." },
        new Field("protocols", FieldType.Set)
        {
            Required = true,
            LenMin = 1,
            Elements = Typedefs.Protocol(),
            Default = Typedefs.Strings("http", "https"),
            Custom = MutuallyExclusiveProtocols,
            Description = "An array of the protocols this Route should allow.",
        },
        new Field("https_redirect_status_code", FieldType.Integer)
        {
            Required = true,
            OneOf = ["426", "301", "302", "307", "308"],
            Default = 426,
            Description = "The status code Kong responds with when all properties of a Route match except the protocol",
        },

        // Kong's default is true for HTTP routes and false for gRPC ones (a subschema default);
        // the StripPathDefault check below fills it in, so it carries no default here.
        new Field("strip_path", FieldType.Boolean)
        {
            Description = "When matching a Route via one of the paths, strip the matching prefix from the upstream request URL.",
        },
        Typedefs.Boolean("preserve_host", false) with
        {
            Required = true,
            Description = "When matching a Route via one of the hosts domain names, use the request Host header in the upstream request headers.",
        },
        Typedefs.Boolean("request_buffering", true) with
        {
            Required = true,
            Description = "Whether to enable request body buffering or not. With HTTP 1.1.",
        },
        Typedefs.Boolean("response_buffering", true) with
        {
            Required = true,
            Description = "Whether to enable response body buffering or not.",
        },
        Typedefs.Tags(),
        Typedefs.Foreign("service", "services") with
        {
            Description = "The Service this Route is associated to. This is where the Route proxies traffic to.",
        },
        new Field("snis", FieldType.Set) { Elements = Typedefs.WildcardHost("sni"), Description = "A list of SNIs that match this Route." },
        Endpoints("sources"),
        Endpoints("destinations"),
        new Field("methods", FieldType.Set) { Elements = Typedefs.HttpMethod(), Description = "A list of HTTP methods that match this Route." },
        new Field("hosts", FieldType.Array)
        {
            Elements = new Field("host", FieldType.String) { Custom = Typedefs.StringCheck(ValidateHost) },
            Description = "A list of domain names that match this Route. Note that the hosts value is case sensitive.",
        },
        new Field("paths", FieldType.Array)
        {
            Elements = new Field("path", FieldType.String)
            {
                Custom = Typedefs.StringCheck(ValidatePath),
                WriteCheck = Typedefs.StringCheck(p => p.StartsWith('~') ? RequireLinear(p[1..]) : null),
            },
            Description = "A list of paths that match this Route.",
        },
        HeaderValues(Typedefs.Headers("headers", forbidHost: true)) with
        {
            Description = "One or more lists of values indexed by header name that will cause this Route to match if present in the request.",
        },
        Typedefs.Integer("regex_priority", 0) with
        {
            Description = "A number used to choose which route resolves a given request when several routes match it using regexes simultaneously.",
        },
        Typedefs.String("path_handling", "v0", "v0", "v1") with
        {
            Description = "Controls how the Service path, Route path and requested path are combined when sending a request to the upstream.",
        },
    ])
    {
        EndpointKey = "name",
        Checks =
        [
            Entities.Checks.Conditional(
                "protocols",
                p => Entities.Checks.StringsOf(p).All(x => !SniProtocols.Contains(x)),
                "snis",
                v => v is JsonArray { Count: > 0 } ? "length must be 0" : null,
                "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls' or 'tls_passthrough'"),
            FamilyRules,
            StripPathDefault,
        ],
    };

    /// <summary>Kong's <c>mutually_exclusive_subsets</c> on <c>protocols</c>.</summary>
    private static string? MutuallyExclusiveProtocols(JsonNode value)
    {
        var protocols = Entities.Checks.StringsOf(value).ToHashSet();
        var used = ProtocolFamilies.Where(f => f.Any(protocols.Contains)).ToList();
        return used.Count > 1
            ? $"these sets are mutually exclusive: {string.Join(", ", used.Select(f => $"({Entities.Checks.Quote(f)})"))}"
            : null;
    }

    /// <summary>The per-family rules of routes_subschemas.lua (http, stream, grpc).</summary>
    private static void FamilyRules(JsonObject route, ValidationErrors errors)
    {
        var protocols = Entities.Checks.StringsOf(route["protocols"]).ToList();
        if (protocols.Count == 0)
        {
            return;
        }

        if (protocols.Any(p => p is "http" or "https"))
        {
            Forbid(route, errors, "cannot set '{0}' when 'protocols' is 'http' or 'https'", "sources", "destinations");
            if (protocols.Contains("https"))
            {
                RequireOne(route, errors, [.. HttpFields, "snis"], "must set one of {0} when 'protocols' is 'https'");
            }
            else
            {
                RequireOne(route, errors, HttpFields, "must set one of {0} when 'protocols' is 'http'");
            }
        }
        else if (protocols.Any(p => p is "grpc" or "grpcs"))
        {
            if (route["strip_path"] is JsonValue strip && strip.TryGetValue<bool>(out var value) && value)
            {
                errors.Field("strip_path", "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'");
            }

            Forbid(route, errors, "cannot set '{0}' when 'protocols' is 'grpc' or 'grpcs'", "methods", "sources", "destinations");
            if (protocols.Contains("grpcs"))
            {
                RequireOne(route, errors, [.. GrpcFields, "snis"], "must set one of {0} when 'protocols' is 'grpcs'");
            }
            else
            {
                RequireOne(route, errors, GrpcFields, "must set one of {0} when 'protocols' is 'grpc'");
            }
        }
        else
        {
            Forbid(route, errors, "cannot set '{0}' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'", "methods", "hosts", "paths", "headers");
            if (protocols.All(p => p is "tcp" or "tls" or "udp"))
            {
                RequireOne(route, errors, ["sources", "destinations", "snis"], "must set one of {0} when 'protocols' is 'tcp', 'tls' or 'udp'");
            }

            if (protocols.All(p => p is "tls_passthrough") && !Entities.Checks.IsNonEmpty(route["snis"]))
            {
                errors.Entity("must set snis when 'protocols' is 'tls_passthrough'");
            }
        }
    }

    /// <summary>Fills <c>strip_path</c> when unset: true, or false for gRPC routes (Kong's grpc subschema default).</summary>
    private static void StripPathDefault(JsonObject route, ValidationErrors errors)
    {
        if (route["strip_path"] is null && errors.IsEmpty)
        {
            var grpc = Entities.Checks.StringsOf(route["protocols"]).Any(p => p is "grpc" or "grpcs");
            route["strip_path"] = !grpc;
        }
    }

    private static void Forbid(JsonObject route, ValidationErrors errors, string message, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (route[field] is not null)
            {
                errors.Field(field, string.Format(System.Globalization.CultureInfo.InvariantCulture, message, field));
            }
        }
    }

    private static void RequireOne(JsonObject route, ValidationErrors errors, string[] fields, string message)
    {
        if (!fields.Any(f => Entities.Checks.IsNonEmpty(route[f])))
        {
            errors.Entity(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, Entities.Checks.Quote(fields)));
        }
    }

    private static Field Endpoints(string name) => new(name, FieldType.Set)
    {
        Elements = new Field(name, FieldType.Record)
        {
            Fields = [Typedefs.IpOrCidr("ip"), Typedefs.Port("port")],
            Checks = [Entities.Checks.AtLeastOneOf("ip", "port")],
        },
        Description = $"A list of IP {name} of incoming connections that match this Route when using stream routing.",
    };

    /// <summary>Kong's <c>typedefs.hosts</c> element rules: one wildcard at most, on an outer label; optional port.</summary>
    private static string? ValidateHost(string host)
    {
        if (host.Count(c => c == '*') > 1)
        {
            return "invalid wildcard: must have at most one wildcard";
        }

        if (host.Contains('*', StringComparison.Ordinal) && !host.StartsWith("*.", StringComparison.Ordinal) && !host.EndsWith(".*", StringComparison.Ordinal))
        {
            return "invalid wildcard: must be placed at leftmost or rightmost label";
        }

        // Kong substitutes "abc" for the wildcard and checks the rest as a host with an optional port.
        var plain = host.Replace("*", "abc", StringComparison.Ordinal);
        return Typedefs.NormalizeIp(plain, out var error) is null ? error : null;
    }

    /// <summary>
    /// Kong's <c>typedefs.router_path</c>: "/prefix" (normalized) or "~/regex" (a valid regex), no
    /// empty segments, proper percent-encoding.
    /// </summary>
    private static string? ValidatePath(string path)
    {
        if (!path.StartsWith('/') && !path.StartsWith("~/", StringComparison.Ordinal))
        {
            return "should start with: / (fixed path) or ~/ (regex path)";
        }

        if (path.Contains("//", StringComparison.Ordinal))
        {
            return "must not have empty segments";
        }

        var (error, code) = Typedefs.ValidatePath(path);
        if (code == "percent")
        {
            return error;
        }

        if (!path.StartsWith('~'))
        {
            var normalized = NormalizePath(path);
            return path == normalized ? null : $"non-normalized path, consider use '{normalized}' instead";
        }

        return ValidateRegex(path[1..]);
    }

    /// <summary>
    /// A route's <c>headers</c> with Kong's rule for <c>~*</c> values: a regex (matched case-insensitively, compiled
    /// lower-cased as the router compiles it), checked as paths are.
    /// </summary>
    private static Field HeaderValues(Field headers) => headers with
    {
        Values = headers.Values! with
        {
            Custom = node => HeaderRegexes(node).Select(ValidateRegex).FirstOrDefault(e => e is not null),
            WriteCheck = node => HeaderRegexes(node).Select(RequireLinear).FirstOrDefault(e => e is not null),
        },
    };

    private static IEnumerable<string> HeaderRegexes(JsonNode values) =>
        (values as JsonArray ?? [])
            .Select(v => v is JsonValue value && value.TryGetValue<string>(out var text) ? text : null)
            .Where(v => v is not null && v.StartsWith("~*", StringComparison.Ordinal))
            .Select(v => v![2..].ToLowerInvariant());

    /// <summary>Kong's typedefs.lua message for a pattern that does not compile.</summary>
    private static string? ValidateRegex(string regex) =>
        LinearRegex.SyntaxError(regex) is { } error ? $"invalid regex: '{regex}' (PCRE returned: {error})" : null;

    /// <summary>Refuses, naming it, a construct the router's linear-time engine cannot run (a write check: rows stored before stay readable).</summary>
    private static string? RequireLinear(string regex) =>
        LinearRegex.Unsupported(regex) is { } construct ? $"unsupported regex: '{regex}' (it contains {construct}): {LinearRegex.Rule}" : null;

    /// <summary>
    /// Kong's <c>kong.tools.uri.normalize(path, true)</c>: percent-encoded unreserved characters are
    /// decoded, other percent-encodings upper-cased, and dot segments removed (RFC 3986 5.2.4).
    /// </summary>
    public static string NormalizePath(string path)
    {
        var decoded = new StringBuilder(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && Uri.IsHexDigit(path[i + 1]) && Uri.IsHexDigit(path[i + 2]))
            {
                var c = (char)Convert.ToInt32(path.Substring(i + 1, 2), 16);
                if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
                {
                    decoded.Append(c);
                }
                else
                {
                    decoded.Append('%').Append(char.ToUpperInvariant(path[i + 1])).Append(char.ToUpperInvariant(path[i + 2]));
                }

                i += 2;
            }
            else
            {
                decoded.Append(path[i]);
            }
        }

        return RemoveDotSegments(decoded.ToString());
    }

    private static string RemoveDotSegments(string path)
    {
        var output = new List<string>();
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var last = i == segments.Length - 1;
            if (segment == ".")
            {
                if (last)
                {
                    output.Add(string.Empty);
                }
            }
            else if (segment == "..")
            {
                if (output.Count > 1)
                {
                    output.RemoveAt(output.Count - 1);
                }

                if (last)
                {
                    output.Add(string.Empty);
                }
            }
            else
            {
                output.Add(segment);
            }
        }

        return string.Join('/', output);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Gateway.Plugins.Sdk.Tracing;
using Gateway.Storage.Audit;

namespace Gateway.Node.Settings;

/// <summary>
/// The value parsers behind the settings catalog (Kong's conf_loader type inference). Each takes the
/// raw string and either returns a typed value or throws <see cref="FormatException"/> whose message
/// is the reason only; the loader adds the setting name and the source.
/// </summary>
public static class SettingParsers
{
    /// <summary>The header names the <c>headers</c> setting accepts, in Kong's spelling.</summary>
    public static readonly IReadOnlyList<string> KnownHeaders =
    [
        "server_tokens", "latency_tokens", "Via", "Server", "X-Kong-Proxy-Latency", "X-Kong-Response-Latency",
        "X-Kong-Admin-Latency", "X-Kong-Upstream-Latency", "X-Kong-Upstream-Status", "X-Kong-Request-Id",
    ];

    /// <summary>A value that must not be blank; surrounding spaces are removed.</summary>
    public static string NonEmpty(string raw)
    {
        var value = raw.Trim();
        return value.Length == 0 ? throw new FormatException("must not be empty") : value;
    }

    /// <summary>real_ip_header: a request header's name (Kong's <c>proxy_protocol</c> needs PROXY protocol listeners, which there are none of).</summary>
    public static string RealIpHeader(string raw)
    {
        var value = NonEmpty(raw);
        if (value.Equals("proxy_protocol", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException("proxy_protocol is not supported: no listener speaks the PROXY protocol");
        }

        return value.All(c => c > ' ' && c < 127 && !"()<>@,;:\\\"/[]?={}".Contains(c))
            ? value
            : throw new FormatException($"'{value}' is not a header name");
    }

    /// <summary>A value that may be unset: empty or Kong's <c>NONE</c> give null.</summary>
    public static string? Optional(string raw)
    {
        var value = raw.Trim();
        return value.Length == 0 || value == "NONE" ? null : value;
    }

    /// <summary>A TCP port, 1 to 65535.</summary>
    public static int Port(string raw)
    {
        var value = raw.Trim();
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new FormatException($"'{value}' is not a port (1-65535)");
    }

    /// <summary>A whole number of at least <paramref name="min"/>.</summary>
    public static int Integer(string raw, int min)
    {
        var value = raw.Trim();
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"'{value}' is not an integer");
        }

        return number >= min ? number : throw new FormatException($"'{value}' must be at least {min}");
    }

    /// <summary>A number of seconds greater than 0 (fractions allowed, as in Kong).</summary>
    public static TimeSpan PositiveSeconds(string raw)
    {
        var value = raw.Trim();
        if (!double.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds))
        {
            throw new FormatException($"'{value}' is not a number of seconds");
        }

        return seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"'{value}' must be greater than 0");
    }

    /// <summary>One of a fixed set of names (case-insensitive), mapped to its enum value.</summary>
    public static T OneOf<T>(string raw, params (string Name, T Value)[] choices)
    {
        var value = raw.Trim();
        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw new FormatException($"'{value}' is not one of {string.Join(", ", choices.Select(c => c.Name))}");
    }

    /// <summary>kong.conf's <c>tracing_instrumentations</c>: <c>off</c>, <c>all</c>, or a list of instrumentation names.</summary>
    public static TracingInstrumentations Instrumentations(string raw)
    {
        var names = List(raw);
        var flags = TracingInstrumentations.None;
        foreach (var name in names)
        {
            if (name == "off" && names.Count > 1)
            {
                throw new FormatException("'off' can not be used with other instrumentations");
            }

            flags |= name switch
            {
                "off" => TracingInstrumentations.None,
                "all" => TracingInstrumentations.All,
                "request" => TracingInstrumentations.Request,
                "db_query" => TracingInstrumentations.DbQuery,
                "dns_query" => TracingInstrumentations.DnsQuery,
                "router" => TracingInstrumentations.Router,
                "http_client" => TracingInstrumentations.HttpClient,
                "balancer" => TracingInstrumentations.Balancer,
                "plugin_rewrite" => TracingInstrumentations.PluginRewrite,
                "plugin_access" => TracingInstrumentations.PluginAccess,
                "plugin_header_filter" => TracingInstrumentations.PluginHeaderFilter,
                _ => throw new FormatException($"invalid tracing type: {name}"),
            };
        }

        // Every span hangs under the root: an instrumentation without 'request' still makes it.
        return flags == TracingInstrumentations.None ? flags : flags | TracingInstrumentations.Request;
    }

    /// <summary>kong.conf's <c>proxy_access_log</c>: <c>off</c>, or a path optionally followed by a format (combined, json).</summary>
    public static (string Path, AccessLogFormat Format)? AccessLog(string raw)
    {
        var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts is ["off"])
        {
            return null;
        }

        if (parts.Length > 2)
        {
            throw new FormatException("expected a path and at most one format (combined, json)");
        }

        var format = parts.Length == 2 ? OneOf(parts[1], ("combined", AccessLogFormat.Combined), ("json", AccessLogFormat.Json)) : AccessLogFormat.Combined;
        return (parts[0], format);
    }

    /// <summary>A number from 0 to 1.</summary>
    public static double Ratio(string raw)
    {
        if (!double.TryParse(raw.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ratio) || ratio is < 0 or > 1)
        {
            throw new FormatException("must be between 0 and 1");
        }

        return ratio;
    }

    /// <summary>A comma-separated list; blank entries are dropped.</summary>
    public static IReadOnlyList<string> List(string raw) =>
        raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Kong's lua_ssl_trusted_certificate: comma-separated PEM files, each holding at least one certificate, and
    /// <c>system</c> for the first system CA bundle found (dropped when there is none, as Kong does).
    /// </summary>
    public static IReadOnlyList<string> TrustedCertificates(string raw) =>
        [.. List(raw).Select(entry => entry == "system" ? SystemCaBundles.FirstOrDefault(File.Exists) : CertificateFile(entry)).OfType<string>()];

    /// <summary>Where Kong looks for the system's CA bundle (kong/tools/system.lua), in its order.</summary>
    private static readonly string[] SystemCaBundles =
    [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ];

    private static string CertificateFile(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            certificates.Clear();
        }

        return certificates.Count > 0 ? Path.GetFullPath(path) : throw new FormatException($"failed loading certificate from {path}");
    }

    /// <summary>Comma-separated HTTP method names, upper-cased.</summary>
    public static IReadOnlySet<string> Methods(string raw)
    {
        var methods = List(raw).Select(m => m.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        foreach (var method in methods)
        {
            if (!method.All(char.IsAsciiLetter))
            {
                throw new FormatException($"'{method}' is not an HTTP method");
            }
        }

        return methods;
    }

    /// <summary>
    /// Comma-separated regexes (.NET syntax, close to PCRE for what paths need), unanchored, each bounded to
    /// <see cref="RegexTimeout"/> a match so a request URI cannot stall the node on a backtracking pattern.
    /// </summary>
    public static IReadOnlyList<Regex> Regexes(string raw)
    {
        var regexes = new List<Regex>();
        foreach (var pattern in List(raw))
        {
            try
            {
                regexes.Add(new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout));
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"'{pattern}' is not a regex: {ex.Message}");
            }
        }

        return regexes;
    }

    /// <summary>The longest one regex setting may take to match one value.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>A path to an RSA private key PEM, loaded; empty for none.</summary>
    public static AuditSigner? SigningKey(string raw)
    {
        if (Optional(raw) is not { } path)
        {
            return null;
        }

        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new FormatException($"cannot read '{path}': {ex.Message}");
        }

        try
        {
            return AuditSigner.FromPem(pem);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"'{path}' {ex.Message}");
        }
    }

    /// <summary>audit_log_sink: an http or https URL, or a file path; empty for none.</summary>
    public static string? AuditSink(string raw)
    {
        if (Optional(raw) is not { } value)
        {
            return null;
        }

        return IsHttpUrl(value, out _) || !value.Contains("://", StringComparison.Ordinal)
            ? value
            : throw new FormatException($"'{value}' is neither an http or https URL nor a file path");
    }

    /// <summary>Whether <paramref name="value"/> is an absolute http or https URL.</summary>
    public static bool IsHttpUrl(string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url) && url.Scheme is "http" or "https";

    /// <summary>A comma-separated list where a lone <c>off</c> means none.</summary>
    public static IReadOnlyList<string> ListOrOff(string raw)
    {
        var items = List(raw);
        if (items.Count == 1 && items[0] == "off")
        {
            return [];
        }

        return items.Contains("off") ? throw new FormatException("'off' cannot be combined with other values") : items;
    }

    /// <summary>One HTTP header name (RFC 9110 token characters).</summary>
    public static string HeaderName(string raw)
    {
        var name = raw.Trim();
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
        {
            throw new FormatException($"'{raw}' is not a header name");
        }

        return name;
    }

    /// <summary>The <c>headers</c> setting: known header names (any case), normalised to Kong's spelling.</summary>
    public static IReadOnlyList<string> Headers(string raw)
    {
        var result = new List<string>();
        foreach (var item in ListOrOff(raw))
        {
            var known = KnownHeaders.FirstOrDefault(h => string.Equals(h, item, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"'{item}' is not a known header (expected off or {string.Join(", ", KnownHeaders)})");
            if (!result.Contains(known))
            {
                result.Add(known);
            }
        }

        return result;
    }

    /// <summary>A list of IP addresses or CIDR ranges (<c>10.0.0.0/8</c>, <c>::/0</c>); NONE or empty means none.</summary>
    public static IReadOnlyList<IPNetwork> Networks(string raw)
    {
        if (Optional(raw) is null)
        {
            return [];
        }

        return [.. List(raw).Select(Network)];
    }

    /// <summary>An nginx size: a number of bytes with an optional k, m or g suffix; 0 means unlimited.</summary>
    public static long Size(string raw)
    {
        var value = raw.Trim();
        var multiplier = value.Length == 0 ? 1L : char.ToLowerInvariant(value[^1]) switch
        {
            'k' => 1024L,
            'm' => 1024L * 1024,
            'g' => 1024L * 1024 * 1024,
            _ => 1L,
        };
        var digits = multiplier == 1 ? value : value[..^1];
        if (digits.Length == 0 || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > long.MaxValue / multiplier)
        {
            throw new FormatException($"'{value}' is not a size (such as 0, 8k, 10m or 1g)");
        }

        return number * multiplier;
    }

    /// <summary>A comma-separated list of absolute http or https URLs; NONE or empty means none.</summary>
    public static IReadOnlyList<string> Urls(string raw)
    {
        if (Optional(raw) is null)
        {
            return [];
        }

        var urls = List(raw);
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new FormatException($"'{url}' is not an http or https URL");
            }
        }

        return urls;
    }

    /// <summary>Cassandra hosts: IPs or names, without ports (the port is <c>cassandra_port</c>, as in Kong).</summary>
    public static IReadOnlyList<string> ContactPoints(string raw)
    {
        var hosts = List(raw);
        if (hosts.Count == 0)
        {
            throw new FormatException("must list at least one host");
        }

        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out _))
            {
                continue;
            }

            if (host.Contains(':', StringComparison.Ordinal))
            {
                throw new FormatException($"'{host}' must not carry a port: set cassandra_port instead");
            }

            if (Uri.CheckHostName(host) != UriHostNameType.Dns)
            {
                throw new FormatException($"'{host}' is not a host name or IP address");
            }
        }

        return hosts;
    }

    /// <summary>
    /// <c>cassandra_keyspace</c>: Cassandra allows letters, digits and underscores, at most 48 of them; checked here so
    /// that a bad name stops start-up instead of failing the first query.
    /// </summary>
    public static string Keyspace(string raw)
    {
        var value = NonEmpty(raw);
        return value.Length <= 48 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? value
            : throw new FormatException($"'{value}' is not a keyspace name (letters, digits and _, at most 48)");
    }

    /// <summary><c>cassandra_data_centers</c>: <c>name:factor</c> entries, such as <c>dc1:2,dc2:3</c>.</summary>
    /// <remarks>
    /// With <paramref name="strategy"/> NetworkTopologyStrategy the list is what the keyspace is created with, so it
    /// must name at least one data center, each once.
    /// </remarks>
    public static IReadOnlyList<CassandraDataCenter> DataCenters(string raw, CassandraReplicationStrategy strategy = CassandraReplicationStrategy.SimpleStrategy)
    {
        var result = new List<CassandraDataCenter>();
        foreach (var item in List(raw))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0
                || item[..colon].Trim().Length == 0
                || !int.TryParse(item[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var factor)
                || factor < 1)
            {
                throw new FormatException($"'{item}' is not of the form <dc_name>:<repl_factor>");
            }

            var name = item[..colon].Trim();
            if (result.Any(dc => dc.Name == name))
            {
                throw new FormatException($"data center '{name}' is listed twice");
            }

            result.Add(new CassandraDataCenter(name, factor));
        }

        if (result.Count == 0 && strategy == CassandraReplicationStrategy.NetworkTopologyStrategy)
        {
            throw new FormatException("must name at least one <dc_name>:<repl_factor> when cassandra_repl_strategy is NetworkTopologyStrategy");
        }

        return result;
    }

    /// <summary>An identifier without spaces (Orleans cluster and service ids).</summary>
    public static string Identifier(string raw)
    {
        var value = NonEmpty(raw);
        return value.Any(char.IsWhiteSpace) ? throw new FormatException($"'{value}' must not contain spaces") : value;
    }

    private static IPNetwork Network(string item)
    {
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? item : item[..slash];
        if (!IPAddress.TryParse(addressText, out var address)
            || (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            throw new FormatException($"'{item}' is not an IP address or CIDR range");
        }

        var maxBits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var bits = maxBits;
        if (slash >= 0 && (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits > maxBits))
        {
            throw new FormatException($"'{item}' is not an IP address or CIDR range");
        }

        // nginx accepts host bits in a range (10.0.0.1/8) and ignores them; IPNetwork rejects them, so clear them.
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(bits - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPNetwork(new IPAddress(bytes), bits);
    }
}

using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Node.Upstreams;

/// <summary>
/// One active probe on a real socket, as lua-resty-healthcheck sends it: tcp connects; http and https
/// connect (https with TLS), send <c>GET http_path HTTP/1.0</c> with Host and the configured headers,
/// and read the status line. Each probe opens its own connection, so a target that stops accepting
/// is seen at once.
/// </summary>
public static class HealthProbe
{
    /// <summary>Probes <paramref name="target"/>: the outcome kind and, for http(s), the status.</summary>
    public static async Task<(OutcomeKind Kind, int Status)> RunAsync(
        ActiveHealthcheck check, UpstreamTarget target, string? hostHeader, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(check.Timeout);
        try
        {
            // A dual-mode socket: IPv4, IPv6, and names resolving to either.
            using var client = new TcpClient(AddressFamily.InterNetworkV6) { Client = { DualMode = true } };
            await client.ConnectAsync(target.Host, target.Port, timeout.Token);
            if (check.Type is not ("http" or "https"))
            {
                return (OutcomeKind.Connected, 0);
            }

            Stream stream = client.GetStream();
            if (check.Type == "https")
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = check.HttpsSni ?? hostHeader ?? target.Host,
                    RemoteCertificateValidationCallback = check.HttpsVerifyCertificate ? null : (_, _, _, _) => true,
                }, timeout.Token);
            }

            await using (stream)
            {
                await stream.WriteAsync(Request(check, hostHeader ?? target.Host), timeout.Token);
                var status = await ReadStatusAsync(stream, timeout.Token);
                return status is { } code ? (OutcomeKind.Response, code) : (OutcomeKind.TcpFailure, 0);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (OutcomeKind.Timeout, 0);
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return (OutcomeKind.TcpFailure, 0);
        }
    }

    private static byte[] Request(ActiveHealthcheck check, string host)
    {
        var text = new StringBuilder()
            .Append("GET ").Append(check.HttpPath).Append(" HTTP/1.0\r\n")
            .Append("Host: ").Append(host).Append("\r\n");
        foreach (var (name, value) in check.Headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append("\r\n").ToString());
    }

    /// <summary>Reads up to the end of the status line; null when the connection closes first or the line is not HTTP.</summary>
    private static async Task<int?> ReadStatusAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Array.IndexOf(buffer, (byte)'\n', 0, length) >= 0)
            {
                break;
            }
        }

        // "HTTP/1.1 200 OK"
        var line = Encoding.ASCII.GetString(buffer, 0, length);
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
            && int.TryParse(parts[1].AsSpan(0, Math.Min(3, parts[1].Length)), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : null;
    }
}

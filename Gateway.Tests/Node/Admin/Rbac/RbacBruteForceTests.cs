using System.Net;
using System.Net.Sockets;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Rbac;

/// <summary>rbac_auth_failures_per_minute: wrong tokens from one address past the limit answer 429, and only that address.</summary>
public sealed class RbacBruteForceTests : IAsyncLifetime
{
    private readonly string _prefix = Directory.CreateTempSubdirectory("gateway-rbac-flood-").FullName;
    private TestNode _node = null!;
    private string _token = "";

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await using (var seed = await TestNode.StartInAsync(_prefix, "--enforce_rbac", "on"))
        {
            await seed.StopAsync();
        }

        await using (var seed = await TestNode.StartInAsync(_prefix))
        {
            _token = RbacCalls.NewToken();
            var user = await seed.UserAsync("reader", _token);
            Assert.Equal(201, (await seed.FormAsync(HttpMethod.Post, $"/rbac/users/{user.Text("name")}/roles", ("roles", "read-only"))).Status);
            await seed.StopAsync();
        }

        _node = await TestNode.StartInAsync(_prefix, "--enforce_rbac", "on", "--rbac_auth_failures_per_minute", "5");
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_prefix, recursive: true);
    }

    [Fact]
    public async Task PastTheLimit_OneAddressGets429_EvenWithTheRightToken_AndAnotherAddressDoesNot()
    {
        using var attacker = From("127.0.0.2");
        using var neighbour = From("127.0.0.3");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, await StatusAsync(attacker, $"wrong-{i}"));
        }

        Assert.Equal(429, await StatusAsync(attacker, "wrong-again"));
        Assert.Equal(429, await StatusAsync(attacker, _token));
        Assert.Equal(200, await StatusAsync(neighbour, _token));
        Assert.Equal(401, await StatusAsync(neighbour, "wrong"));

        // A missing token is no guess: it is not counted.
        using var quiet = From("127.0.0.4");
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(401, await StatusAsync(quiet, null));
        }

        Assert.Equal(200, await StatusAsync(quiet, _token));
    }

    private HttpClient From(string address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        BaseAddress = _node.Admin.BaseAddress,
    };

    private static async Task<int> StatusAsync(HttpClient client, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/services");
        if (token is not null)
        {
            request.Headers.Add("Kong-Admin-Token", token);
        }

        using var response = await client.SendAsync(request);
        return (int)response.StatusCode;
    }
}

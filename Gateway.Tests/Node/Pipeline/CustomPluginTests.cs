using System.Net;
using System.Text.Json.Nodes;
using Gateway.Node.Hosting;
using Gateway.Node.Settings;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Pipeline;

/// <summary>
/// The example custom plugin (samples/TenantGate) loaded from its own assembly, named by path in the
/// <c>plugins</c> setting: validated and described by the Admin API, run by the proxy.
/// </summary>
public sealed class CustomPluginTests
{
    /// <summary>samples/TenantGate's build output for the configuration these tests were built in.</summary>
    public static string SampleAssembly
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            return Path.Combine(RepositoryFiles.Root, "samples", "TenantGate", "bin", configuration, framework, "TenantGate.dll");
        }
    }

    [Fact]
    public async Task TenantGate_FromItsOwnAssembly_RunsOnTheProxy()
    {
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "TenantGate");
        await using var backend = await Backend.StartAsync();
        await using var node = await TestNode.StartAsync("--plugins", $"bundled,{SampleAssembly}");
        await node.RouteAsync($$"""{"name":"api","host":"127.0.0.1","port":{{backend.Port}}}""", """{"paths":["/api"]}""");

        // The Admin API knows the plugin: enabled, described, validated with its defaults.
        using (var enabled = await node.Admin.GetAsync("/plugins/enabled"))
        {
            Assert.Contains("tenant-gate", JsonNode.Parse(await enabled.Content.ReadAsStringAsync())!["enabled_plugins"]!.AsArray().Select(n => n!.GetValue<string>()));
        }

        using (var schema = await node.Admin.GetAsync("/schemas/plugins/tenant-gate"))
        {
            Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        }

        using (var invalid = await node.Admin.PostAsync("/services/api/plugins", Json("""{"name":"tenant-gate","config":{}}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            Assert.Equal("required field missing", JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["fields"]!["config"]!["allowed"]!.GetValue<string>());
        }

        var plugin = await node.CreateAsync("/services/api/plugins", """{"name":"tenant-gate","config":{"allowed":["acme"]}}""");
        Assert.Equal("X-Tenant", plugin["config"]!["header_name"]!.GetValue<string>());

        // The proxy runs it.
        using (var missing = await node.Proxy.GetAsync("/api"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Equal("""{"message":"No tenant in X-Tenant"}""", await missing.Content.ReadAsStringAsync());
        }

        using (var refused = await Send(node, "globex"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("""{"message":"Tenant 'globex' is not allowed"}""", await refused.Content.ReadAsStringAsync());
        }

        using var allowed = await Send(node, "acme");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("acme", allowed.Headers.GetValues("X-Tenant").Single());
        Assert.Equal("acme", (await PluginNode.UpstreamHeadersAsync(allowed))["x-tenant-verified"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingPluginAssembly_StopsStartWithOneLine()
    {
        var prefix = Directory.CreateTempSubdirectory("gateway-plugin-test-").FullName;
        try
        {
            var args = TestNode.Arguments(prefix, FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
            args.AddRange(["--plugins", "bundled,/nonexistent/Acme.Plugins.dll"]);
            var settings = SettingsLoader.Load(CommandLine.Parse([.. args]), new Dictionary<string, string>());
            var error = await Assert.ThrowsAsync<NodeStartException>(() => GatewayNode.StartAsync(settings));
            Assert.Equal("plugins: cannot find the plugin assembly '/nonexistent/Acme.Plugins.dll'", error.Message);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> Send(TestNode node, string tenant)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api");
        request.Headers.Add("X-Tenant", tenant);
        return node.Proxy.SendAsync(request);
    }
}

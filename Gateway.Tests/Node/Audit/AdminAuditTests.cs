using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Audit;

/// <summary>
/// The audit log seen from the Admin API of a real node on its embedded SQLite database: request records for every
/// request (refused ones too), object records for every change, both joined by the request id the answer names, with
/// excluded fields removed, and Kong Enterprise's /audit endpoints.
/// </summary>
public sealed class AdminAuditTests : IAsyncLifetime
{
    private TestNode _node = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync() =>
        _node = await TestNode.StartAsync("--audit_log", "on", "--audit_log_ignore_paths", "/status$,/ignored-\\d+", "--audit_log_ignore_methods", "head");

    /// <inheritdoc/>
    public Task DisposeAsync() => _node.DisposeAsync().AsTask();

    [Fact]
    public async Task AWrite_IsRecordedAsARequestAndAnObject_JoinedByTheRequestIdItAnswers()
    {
        using var response = await _node.SendJsonAsync(HttpMethod.Post, "/consumers?tag=x", """{"username":"alice"}""");
        var requestId = Assert.Single(response.Headers.GetValues("X-Kong-Admin-Request-ID"));
        var consumer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var request = await RequestRecordAsync(requestId);
        Assert.Equal("POST", (string?)request["method"]);
        Assert.Equal("/consumers?tag=x", (string?)request["path"]);
        Assert.Equal(201, (int?)request["status"]);
        Assert.Equal("127.0.0.1", (string?)request["client_ip"]);
        Assert.Equal("alice", (string?)JsonNode.Parse((string)request["payload"]!)!["username"]);
        Assert.True((long?)request["request_timestamp"] > DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60);
        Assert.InRange((long)request["ttl"]!, 2592000 - 60, 2592000);
        Assert.True(request.AsObject().ContainsKey("workspace"));
        Assert.Null(request["workspace"]);
        Assert.Null(request["rbac_user_id"]);
        Assert.False(string.IsNullOrEmpty((string?)request["node_id"]));
        Assert.False(string.IsNullOrEmpty((string?)request["hash"]));
        Assert.True((long?)request["sequence"] > 0);

        var objects = await _node.GetAsync($"/audit/objects?request_id={requestId}");
        var record = Assert.Single(objects["data"]!.AsArray())!;
        Assert.Equal(("consumers", "create", (string?)consumer["id"]), ((string?)record["dao_name"], (string?)record["operation"], (string?)record["entity_key"]));
        Assert.Equal("alice", (string?)JsonNode.Parse((string)record["entity"]!)!["username"]);
        Assert.True((long?)record["config_version"] > 0);
        Assert.True((long?)record["sequence"] < (long?)request["sequence"]);
    }

    [Fact]
    public async Task ExcludedFields_AreRemovedFromPayloadAndEntity_AndNamed()
    {
        await _node.CreateAsync("/consumers", """{"username":"bob"}""");
        using var response = await _node.SendJsonAsync(HttpMethod.Post, "/consumers/bob/basic-auth", """{"username":"bob","password":"s3cret-pass"}""");
        Assert.Equal(201, (int)response.StatusCode);
        var requestId = response.Headers.GetValues("X-Kong-Admin-Request-ID").Single();

        var request = await RequestRecordAsync(requestId);
        Assert.Equal("password", (string?)request["removed_from_payload"]);
        Assert.Null(JsonNode.Parse((string)request["payload"]!)!["password"]);
        var record = (await _node.GetAsync($"/audit/objects?request_id={requestId}"))["data"]![0]!;
        Assert.Equal("basicauth_credentials", (string?)record["dao_name"]);
        Assert.Equal("password", (string?)record["removed_from_entity"]);
        Assert.DoesNotContain("s3cret-pass", request.ToJsonString() + record.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedWrite_IsRecordedAsARequest_AndLeavesNoObjectRecord()
    {
        using var response = await _node.SendJsonAsync(HttpMethod.Post, "/services", """{"name":"bad","port":"nope"}""");
        Assert.Equal(400, (int)response.StatusCode);
        var requestId = response.Headers.GetValues("X-Kong-Admin-Request-ID").Single();

        var request = await RequestRecordAsync(requestId);

        Assert.Equal(400, (int?)request["status"]);
        Assert.Empty((await _node.GetAsync($"/audit/objects?request_id={requestId}"))["data"]!.AsArray());
    }

    [Fact]
    public async Task FormBodies_AreRecordedAsTheirFields()
    {
        using var form = new FormUrlEncodedContent([new("username", "carol"), new("custom_id", "c-1")]);
        using var response = await _node.Admin.PostAsync("/consumers", form);
        Assert.Equal(201, (int)response.StatusCode);

        var request = await RequestRecordAsync(response.Headers.GetValues("X-Kong-Admin-Request-ID").Single());

        var payload = JsonNode.Parse((string)request["payload"]!)!;
        Assert.Equal(("carol", "c-1"), ((string?)payload["username"], (string?)payload["custom_id"]));
    }

    [Fact]
    public async Task IgnoredMethodsAndPaths_MakeNoRequestRecord_ButStillGetAnId()
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, "/consumers");
        using var headResponse = await _node.Admin.SendAsync(head);
        using var ignored = await _node.Admin.GetAsync("/ignored-42");
        using var status = await _node.Admin.GetAsync("/status");
        using var marker = await _node.Admin.GetAsync("/consumers?marker=1");
        await RequestRecordAsync(marker.Headers.GetValues("X-Kong-Admin-Request-ID").Single());

        foreach (var response in new[] { headResponse, ignored, status })
        {
            var requestId = response.Headers.GetValues("X-Kong-Admin-Request-ID").Single();
            Assert.Empty((await _node.GetAsync($"/audit/requests?request_id={requestId}"))["data"]!.AsArray());
        }
    }

    [Fact]
    public async Task Lists_AreNewestFirst_Paged_AndFiltered()
    {
        for (var i = 0; i < 3; i++)
        {
            await _node.CreateAsync("/consumers", $$"""{"username":"paged-{{i}}"}""");
        }

        using var last = await _node.Admin.GetAsync("/consumers?last=1");
        await RequestRecordAsync(last.Headers.GetValues("X-Kong-Admin-Request-ID").Single());

        var page = await _node.GetAsync("/audit/requests?method=POST&size=2");
        var sequences = page["data"]!.AsArray().Select(r => (long)r!["sequence"]!).ToList();
        Assert.Equal(2, sequences.Count);
        Assert.True(sequences[0] > sequences[1]);
        Assert.All(page["data"]!.AsArray(), r => Assert.Equal("POST", (string?)r!["method"]));
        var next = (string)page["next"]!;
        Assert.Contains("method=POST", next, StringComparison.Ordinal);
        var second = await _node.GetAsync(next);
        Assert.True((long)second["data"]![0]!["sequence"]! < sequences[1]);

        var creates = await _node.GetAsync("/audit/objects?dao_name=consumers&operation=create");
        Assert.All(creates["data"]!.AsArray(), r => Assert.Equal("create", (string?)r!["operation"]));
        var future = await _node.GetAsync($"/audit/requests?after={DateTimeOffset.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}");
        Assert.Empty(future["data"]!.AsArray());
    }

    [Theory]
    [InlineData("/audit/requests?status=abc", "status")]
    [InlineData("/audit/requests?before=yesterday", "before")]
    [InlineData("/audit/objects?request_timestamp[gte]=x", "request_timestamp[gte]")]
    public async Task BadFilterValues_AreKongs400(string path, string argument)
    {
        var (status, body) = await _node.CallAsync(HttpMethod.Get, path);

        Assert.Equal(400, status);
        Assert.Equal(11, (int?)body!["code"]);
        Assert.StartsWith($"invalid option ({argument}: ", (string?)body["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/audit/requests")]
    [InlineData("DELETE", "/audit/objects")]
    [InlineData("PATCH", "/audit/requests")]
    public async Task TheAuditTables_CannotBeWrittenThroughTheAdminApi(string method, string path)
    {
        var (status, _) = await _node.CallAsync(new HttpMethod(method), path, "{}");

        Assert.Equal(405, status);
    }

    [Fact]
    public async Task WithAuditOff_TheEndpointsDoNotExist()
    {
        await using var node = await TestNode.StartAsync();

        var (requests, _) = await node.CallAsync(HttpMethod.Get, "/audit/requests");
        var (objects, _) = await node.CallAsync(HttpMethod.Get, "/audit/objects");
        using var response = await node.Admin.GetAsync("/");

        Assert.Equal((404, 404), (requests, objects));
        Assert.False(response.Headers.Contains("X-Kong-Admin-Request-ID"));
    }

    /// <summary>The request record with this id, once the node's queue has written it.</summary>
    private async Task<JsonNode> RequestRecordAsync(string requestId)
    {
        JsonNode? record = null;
        await Eventually.HoldsAsync(
            async () => (record = (await _node.GetAsync($"/audit/requests?request_id={requestId}"))["data"]!.AsArray().SingleOrDefault()) is not null,
            TimeSpan.FromSeconds(10),
            $"the request record of {requestId}");
        return record!;
    }
}

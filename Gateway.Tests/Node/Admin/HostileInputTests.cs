using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin;

/// <summary>
/// Input a hostile caller sends the Admin API (issue 21): each class that once answered 500 now
/// gets Kong's answer, and nothing in between is written.
/// </summary>
public sealed class HostileInputTests(HostileInputNode fixture) : IClassFixture<HostileInputNode>
{
    private const string CannotParseJson = """{"message":"Cannot parse JSON body"}""";
    private const string NulMessage = "invalid value: the NUL character (\\u0000) cannot be stored";

    private TestNode Node => fixture.Node;

    public static TheoryData<string, int, string> KestrelRefusals => new()
    {
        { "GET /services/%00 HTTP/1.1\r\nHost: admin", 400, "Bad request" },
        { "GET /services/\u00ff HTTP/1.1\r\nHost: admin", 400, "Bad request" },
        { "GET /services/\u00c3\u00a9 HTTP/1.1\r\nHost: admin", 400, "Bad request" },
        { "POST /services HTTP/1.1\r\nHost: admin\r\nContent-Length: -1", 400, "Bad request" },
        { "POST /services HTTP/1.1\r\nHost: admin\r\nContent-Length: 1\r\nContent-Length: 2", 400, "Bad request" },
        { "GET /status HTTP/1.1", 400, "Bad request" },
        { "GET /" + new string('a', 10_000) + " HTTP/1.1\r\nHost: admin", 414, "URI too long" },
        { "GET /status HTTP/1.1\r\nHost: admin\r\nX-Big: " + new string('a', 40_000), 431, "Request header or cookie too large" },
        { "GET /status HTTP/9.9\r\nHost: admin", 505, "HTTP Version Not Supported" },
    };

    public static TheoryData<string, string, string, string> BodiesWithANul => new()
    {
        { "/consumers", """{"username":"a\u0000b","tags":["nul"]}""", "username", """{"username":"MSG"}""" },
        { "/consumers", """{"username":"nul-tag","tags":["nul","\u0000"]}""", "tags.2", """{"tags":[null,"MSG"]}""" },
        { "/consumers", """{"username":"nul-key","tags":["nul"],"a\u0000":1}""", "a\u0000", """{"a\u0000":"MSG"}""" },
        { "/plugins", """{"name":"request-termination","config":{"body":"\u0000"},"tags":["nul"]}""", "config.body", """{"config":{"body":"MSG"}}""" },
        { "/schemas/consumers/validate", """{"username":"\u0000"}""", "username", """{"username":"MSG"}""" },
    };

    [Fact]
    public async Task DuplicatedKeys_KeepTheLastValue_InEveryJsonBody()
    {
        var created = await Node.CreateAsync("/services", """{"name":"dup-first","name":"dup-last","host":"dup.test"}""");
        Assert.Equal("dup-last", created["name"]!.GetValue<string>());

        var (patched, service) = await Node.CallAsync(HttpMethod.Patch, "/services/dup-last", """{"port":1,"retries":2,"port":8080}""");
        Assert.Equal(200, patched);
        Assert.Equal(8080, service!["port"]!.GetValue<int>());

        var (put, replaced) = await Node.CallAsync(HttpMethod.Put, "/services/dup-put", """{"host":"one.test","host":"two.test"}""");
        Assert.Equal(200, put);
        Assert.Equal("two.test", replaced!["host"]!.GetValue<string>());

        var plugin = await Node.CreateAsync("/services/dup-last/plugins", """{"name":"rate-limiting","config":{"minute":1,"minute":7}}""");
        Assert.Equal(7, plugin["config"]!["minute"]!.GetValue<int>());

        var (valid, ok) = await Node.CallAsync(HttpMethod.Post, "/schemas/services/validate", """{"host":"not a host!","host":"valid.test"}""");
        Assert.Equal(200, valid);
        JsonAssert.Equal("""{"message":"schema validation successful"}""", ok);
        var (invalid, refusal) = await Node.CallAsync(HttpMethod.Post, "/schemas/services/validate", """{"host":"valid.test","host":"not a host!"}""");
        Assert.Equal(400, invalid);
        Assert.Equal(2, refusal!["code"]!.GetValue<int>());
        Assert.NotNull(refusal["fields"]!["host"]);
    }

    [Theory]
    [InlineData("POST", "/services")]
    [InlineData("PUT", "/services/utf8-put")]
    [InlineData("PATCH", "/services/utf8-existing")]
    [InlineData("POST", "/schemas/services/validate")]
    public async Task InvalidUtf8OrLoneSurrogate_Is400CannotParseJsonBody(string method, string path)
    {
        await Node.CallAsync(HttpMethod.Put, "/services/utf8-existing", """{"host":"utf8.test"}""");
        string[] bodies =
        [
            // Written as Latin-1, so each character below U+0100 is the byte of that value.
            "{\"host\":\"utf8.test\",\"tags\":[\"a\u00ff\"]}",
            "{\"host\":\"utf8.test\",\"ta\u00c3\u0028gs\":[\"x\"]}",
            "{\"host\":\"utf8.test\",\"tags\":[\"\u00ed\u00a0\u0080\"]}",
            """{"host":"utf8.test","tags":["a\ud800"]}""",
            """{"host":"utf8.test","tags":["\udc00b"]}""",
            """{"host":"utf8.test","tags":["\ud800\u0041"]}""",

            // The fuzzer's find (infra/fuzz, admin-json): byte 0x8C in a member name, once a 500 on first access.
            "{\"\u008c\":\"x\",\"host\":\"utf8.test\"}",
        ];

        foreach (var body in bodies)
        {
            var (status, answer) = await SendBytesAsync(new HttpMethod(method), path, Encoding.Latin1.GetBytes(body));
            Assert.True(status == 400, $"{method} {path} {body}: {status}");
            JsonAssert.Equal(CannotParseJson, answer);
        }

        var (missing, _) = await Node.CallAsync(HttpMethod.Get, "/services/utf8-put");
        Assert.Equal(404, missing);
        var (_, existing) = await Node.CallAsync(HttpMethod.Get, "/services/utf8-existing");
        Assert.Null(existing!["tags"]);
    }

    [Fact]
    public async Task NullAutoFields_AreGenerated_AsIfLeftOut()
    {
        var service = await Node.CreateAsync("/services", """{"id":null,"name":"null-id","host":"null-id.test"}""");
        Assert.True(Guid.TryParseExact(service["id"]!.GetValue<string>(), "D", out _));

        var (put, upserted) = await Node.CallAsync(HttpMethod.Put, "/services/null-id-put", """{"id":null,"host":"null-id.test"}""");
        Assert.Equal(200, put);
        Assert.True(Guid.TryParseExact(upserted!["id"]!.GetValue<string>(), "D", out _));

        var route = await Node.CreateAsync("/services/null-id/routes", """{"id":null,"created_at":null,"paths":["/null-id"]}""");
        Assert.True(route["created_at"]!.GetValue<long>() > 0);

        await Node.CreateAsync("/consumers", """{"username":"null-key"}""");
        var credential = await Node.CreateAsync("/consumers/null-key/key-auth", """{"id":null,"key":null}""");
        Assert.Matches("^[0-9a-f]{32}$", credential["key"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(10, 100)]

    // A burst, then nothing: Kestrel's average-rate rule alone would wait for minutes.
    [InlineData(100_000, 200_000)]
    public async Task StalledBody_Is408AfterTheBodyTimeout_AndClosesTheConnection(int sent, int declared)
    {
        var name = $"stalled-{sent}";
        var body = Encoding.ASCII.GetBytes($$"""{"name":"{{name}}","host":"stalled.test","tags":["{{new string('a', declared)}}"]}""")[..sent];

        // RawHttp reads until the server closes the connection (after Kestrel's lingering close).
        var response = await RawHttp.SendAsync(
            Node.AdminPort, $"POST /services HTTP/1.1\r\nHost: admin\r\nContent-Type: application/json\r\nContent-Length: {declared}", body, untilClosed: true);

        Assert.Equal(408, response.Status);
        JsonAssert.Equal("""{"message":"Request timeout"}""", response.Json);
        Assert.Equal("close", response.Headers["Connection"]);
        var (missing, _) = await Node.CallAsync(HttpMethod.Get, $"/services/{name}");
        Assert.Equal(404, missing);
    }

    [Theory]
    [MemberData(nameof(KestrelRefusals))]
    public async Task RequestsKestrelRefuses_GetKongsJsonBody(string head, int status, string message)
    {
        var response = await RawHttp.SendAsync(Node.AdminPort, head);

        Assert.Equal(status, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        Assert.StartsWith("kong/", response.Headers["Server"]);
        JsonAssert.Equal(new JsonObject { ["message"] = message }.ToJsonString(), response.Json);
    }

    [Fact]
    public async Task SchemaViolation_CutsAMegabyteValue_KeepingItsStartAndTheExplanation()
    {
        var (status, body) = await Node.CallAsync(
            HttpMethod.Post, "/services", new JsonObject { ["name"] = new string('a', 1_000_000) + "!", ["host"] = "cut.test" }.ToJsonString());

        Assert.Equal(400, status);
        Assert.Equal(2, body!["code"]!.GetValue<int>());
        var message = body["message"]!.GetValue<string>();
        Assert.True(message.Length <= 2048, $"{message.Length} characters");
        Assert.StartsWith("schema violation (name: invalid value 'aaaa", message);
        Assert.Contains("a...a", message);
        Assert.EndsWith("!': the only accepted ascii characters are alphanumerics or ., -, _, and ~)", message);
        Assert.True(body["fields"]!["name"]!.GetValue<string>().Length <= 2048);
    }

    [Fact]
    public async Task UniqueViolation_CutsTheRepeatedValue()
    {
        var service = new JsonObject { ["name"] = "unique-" + new string('b', 100_000), ["host"] = "unique.test" }.ToJsonString();
        var (created, _) = await Node.CallAsync(HttpMethod.Post, "/services", service);
        Assert.Equal(201, created);

        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/services", service);

        Assert.Equal(409, status);
        Assert.Equal(5, body!["code"]!.GetValue<int>());
        Assert.StartsWith("UNIQUE violation detected on '{name=\"unique-bbbb", body["message"]!.GetValue<string>());
        Assert.True(body["message"]!.GetValue<string>().Length <= 2048);
        Assert.True(body["fields"]!["name"]!.GetValue<string>().Length <= 2048);
    }

    [Fact]
    public async Task ErrorBody_CutsAMegabyteFieldName()
    {
        var name = new string('n', 1_000_000) + "!";
        var (status, body) = await Node.CallAsync(HttpMethod.Post, "/services", new JsonObject { [name] = 1, ["host"] = "cut-name.test" }.ToJsonString());

        Assert.Equal(400, status);
        Assert.Equal(2, body!["code"]!.GetValue<int>());
        var field = Assert.Single(body["fields"]!.AsObject());
        Assert.True(field.Key.Length <= 2048, $"{field.Key.Length} characters");
        Assert.StartsWith("nnnn", field.Key);
        Assert.EndsWith("n!", field.Key);
        Assert.Equal("unknown field", field.Value!.GetValue<string>());
        Assert.True(body.ToJsonString().Length < 5_000, $"{body.ToJsonString().Length} characters");
    }

    [Theory]
    [MemberData(nameof(BodiesWithANul))]
    public async Task NulCharacter_IsASchemaViolationNamingTheField_AndNothingIsWritten(string path, string body, string field, string fields)
    {
        var (status, answer) = await Node.CallAsync(HttpMethod.Post, path, body);

        Assert.Equal(400, status);
        JsonAssert.Equal(
            new JsonObject
            {
                ["code"] = 2,
                ["name"] = "schema violation",
                ["message"] = $"schema violation ({field}: {NulMessage})",
                ["fields"] = JsonNode.Parse(fields.Replace("MSG", JsonValue.Create(NulMessage).ToJsonString()[1..^1], StringComparison.Ordinal)),
            }.ToJsonString(),
            answer);
        var (_, tagged) = await Node.CallAsync(HttpMethod.Get, "/tags/nul");
        Assert.Empty(tagged!["data"]!.AsArray());
    }

    [Fact]
    public async Task NulCharacter_InAFormField_IsRefused()
    {
        using var multipart = new MultipartFormDataContent("XyZ") { { new StringContent("a\0b"), "username" }, { new StringContent("nul"), "tags[1]" } };
        using var response = await Node.Admin.PostAsync("/consumers", multipart);

        Assert.Equal(400, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal($"schema violation (username: {NulMessage})", body!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PathSegments_AreDecodedOnce()
    {
        await Node.CreateAsync("/consumers", """{"username":"once%41"}""");
        await Node.CreateAsync("/consumers", """{"username":"with/slash"}""");

        var (once, found) = await Node.CallAsync(HttpMethod.Get, "/consumers/once%2541");
        Assert.Equal(200, once);
        Assert.Equal("once%41", found!["username"]!.GetValue<string>());
        var (twice, _) = await Node.CallAsync(HttpMethod.Get, "/consumers/onceA");
        Assert.Equal(404, twice);
        var (slash, _) = await Node.CallAsync(HttpMethod.Get, "/consumers/with%2Fslash");
        Assert.Equal(200, slash);

        var (created, consumer) = await Node.CallAsync(HttpMethod.Put, "/consumers/nul%2500name", "{}");
        Assert.Equal(200, created);
        Assert.Equal("nul%00name", consumer!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task TagsFilterWithANul_IsAnInvalidOption()
    {
        var (status, body) = await Node.CallAsync(HttpMethod.Get, "/services?tags=a%00b");

        Assert.Equal(400, status);
        JsonAssert.Equal(
            """{"code":11,"name":"invalid options","message":"invalid option (tags: invalid filter syntax)","options":{"tags":"invalid filter syntax"}}""", body);
    }

    [Fact]
    public async Task GeneratedHostileRequests_NeverGetA5xx_AndAlwaysAJsonObject()
    {
        await HostileRequests.SetUpAsync(Node);

        var failures = await HostileRequests.ReplayAsync(Node.AdminPort, seed: 21, count: 600);

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task FormIndexBeyondAnyForm_IsAnUnknownField_NotAHugeArray()
    {
        // 44242442 is the fuzzer's find (admin-form): it padded the array with 44 million nulls (OutOfMemoryException).
        foreach (var key in new[] { "tags[2000000000]", "tags[44242442]" })
        {
            using var huge = new FormUrlEncodedContent([new("host", "form-index.test"), new(key, "a")]);
            using var refused = await Node.Admin.PostAsync("/services", huge);
            var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal(400, (int)refused.StatusCode);
            Assert.Equal("unknown field", body!["fields"]![key]!.GetValue<string>());
        }

        using var ordered = new FormUrlEncodedContent([new("host", "form-index.test"), new("tags[2]", "b"), new("tags[1]", "a")]);
        using var accepted = await Node.Admin.PostAsync("/services", ordered);
        Assert.Equal(201, (int)accepted.StatusCode);
        JsonAssert.Equal("""["a","b"]""", JsonNode.Parse(await accepted.Content.ReadAsStringAsync())!["tags"]);
    }

    [Theory]
    [InlineData("XX", "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nkey-auth\r\n--XX\r\nContent-Disposition: form-da")]
    [InlineData("fuzz", "\n")] // the fuzzer's minimised find (admin-multipart)
    [InlineData("fuzz", "--fuzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\ncut-short")]
    public async Task TruncatedMultipart_Is400CannotParseFormBody(string boundary, string truncated)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(truncated));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");

        using var response = await Node.Admin.PostAsync("/plugins", content);

        Assert.Equal(400, (int)response.StatusCode);
        JsonAssert.Equal("""{"message":"Cannot parse form body"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task FormKeyNestedPast64Levels_Is400CannotParseFormBody()
    {
        // The fuzzer's find (admin-multipart): a key nested past what can be written back as JSON.
        var key = "config" + string.Concat(Enumerable.Repeat(".a", 70));
        using var content = new StringContent($"name=key-auth&{key}=1", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await Node.Admin.PostAsync("/plugins", content);

        Assert.Equal(400, (int)response.StatusCode);
        JsonAssert.Equal("""{"message":"Cannot parse form body"}""", JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task HostileValues_NeverGetA500_OnAnyWriteEndpoint()
    {
        await Node.CallAsync(HttpMethod.Put, "/services/sweep-svc", """{"host":"sweep.test"}""");
        await Node.CallAsync(HttpMethod.Put, "/consumers/sweep-user", "{}");
        await Node.CallAsync(HttpMethod.Put, "/upstreams/sweep.upstream", "{}");
        (HttpMethod, string)[] endpoints =
        [
            (HttpMethod.Post, "/services"), (HttpMethod.Patch, "/services/sweep-svc"), (HttpMethod.Put, "/routes/sweep-route"),
            (HttpMethod.Post, "/services/sweep-svc/plugins"), (HttpMethod.Post, "/consumers/sweep-user/key-auth"),
            (HttpMethod.Post, "/upstreams/sweep.upstream/targets"), (HttpMethod.Post, "/schemas/plugins/validate"),
        ];
        string[] fields = ["id", "name", "host", "port", "paths", "service", "config", "tags", "created_at", "key", "target", "protocols"];
        string[] values =
        [
            "null", "1e400", "-0", "99999999999999999999", "1.5", "\"\"", "\"\\u0000\"", "[]", "{}", "[null]", "{\"id\":null}",
            "{\"id\":\"x\"}", "\"~/(a\"", "\"/a%zz\"", "[\"a\",\"a\"]", "{\"a\":1,\"a\":2}",
        ];

        var failures = new List<string>();
        foreach (var (method, path) in endpoints)
        {
            foreach (var field in fields)
            {
                foreach (var value in values)
                {
                    foreach (var body in new[] { $$"""{"{{field}}":{{value}}}""", $$"""{"name":"key-auth","{{field}}":{{value}},"{{field}}":{{value}}}""" })
                    {
                        using var response = await Node.SendJsonAsync(method, path, body);
                        var text = await response.Content.ReadAsStringAsync();
                        if ((int)response.StatusCode >= 500 || JsonNode.Parse(text) is not JsonObject)
                        {
                            failures.Add($"{method} {path} {body}: {(int)response.StatusCode} {text}");
                        }
                    }
                }
            }
        }

        Assert.Empty(failures);
    }

    private async Task<(int Status, JsonNode? Body)> SendBytesAsync(HttpMethod method, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await Node.Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonNode.Parse(text));
    }
}

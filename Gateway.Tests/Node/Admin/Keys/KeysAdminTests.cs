using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Node.Admin.Keys;

/// <summary>/keys and /key-sets on SQLite.</summary>
public sealed class KeysAdminSqliteTests(NodeFixture fixture) : KeysAdminTests(fixture), IClassFixture<NodeFixture>;

/// <summary>/keys and /key-sets on PostgreSQL.</summary>
public sealed class KeysAdminPostgresTests(PostgresNode fixture) : KeysAdminTests(fixture), IClassFixture<PostgresNode>;

/// <summary>/keys and /key-sets as Kong 3.9 serves them (spec/02-integration/04-admin_api/21-admin-api-keys_spec.lua), on each store.</summary>
public abstract class KeysAdminTests(NodeFixture fixture)
{
    private TestNode Node => fixture.Node;

    [Fact]
    public async Task KeySet_WithJwkAndPemKeys_IsListed_Updated_AndCascadesOnDelete()
    {
        var set = await Node.CreateAsync("/key-sets", """{"name":"spec-set"}""");
        var jwk = RsaJwk("spec-jwk");
        var jwkKey = await Node.CreateAsync("/keys", Json(new JsonObject
        {
            ["name"] = "spec jwk key",
            ["set"] = new JsonObject { ["id"] = set["id"]!.GetValue<string>() },
            ["jwk"] = jwk.ToJsonString(),
            ["kid"] = "spec-jwk",
        }));
        var (publicPem, privatePem) = RsaPem();
        var pemKey = await Node.CreateAsync("/keys", Json(new JsonObject
        {
            ["name"] = "spec pem key",
            ["set"] = new JsonObject { ["name"] = "spec-set" },
            ["kid"] = "spec-pem",
            ["pem"] = new JsonObject { ["public_key"] = publicPem, ["private_key"] = privatePem },
        }));
        var loose = await Node.CreateAsync("/keys", """{"name":"spec loose key","jwk":"{\"kid\":\"34\"}","kid":"34"}""");

        Assert.Equal(set["id"]!.GetValue<string>(), jwkKey["set"]!["id"]!.GetValue<string>());
        Assert.Equal(set["id"]!.GetValue<string>(), pemKey["set"]!["id"]!.GetValue<string>());
        Assert.Null(loose["set"]);
        Assert.Equal(publicPem, pemKey["pem"]!["public_key"]!.GetValue<string>());
        var inSet = await Node.GetAsync($"/key-sets/{set["id"]}/keys");
        Assert.Equal(["spec jwk key", "spec pem key"], inSet["data"]!.AsArray().Select(k => k!["name"]!.GetValue<string>()).Order());

        var (status, renamed) = await Node.CallAsync(HttpMethod.Patch, $"/keys/{jwkKey["id"]}", """{"name":"changeme_jwk"}""");
        Assert.Equal(200, status);
        Assert.Equal("changeme_jwk", renamed!["name"]!.GetValue<string>());
        Assert.Equal(200, (await Node.CallAsync(HttpMethod.Get, "/keys/changeme_jwk")).Status);
        Assert.Equal(200, (await Node.CallAsync(HttpMethod.Patch, "/key-sets/spec-set", """{"name":"spec-set-2"}""")).Status);

        Assert.Equal(204, (await Node.CallAsync(HttpMethod.Delete, $"/key-sets/{set["id"]}")).Status);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, $"/keys/{jwkKey["id"]}")).Status);
        Assert.Equal(404, (await Node.CallAsync(HttpMethod.Get, $"/keys/{pemKey["id"]}")).Status);
        Assert.Equal(200, (await Node.CallAsync(HttpMethod.Get, $"/keys/{loose["id"]}")).Status);
    }

    [Theory]
    [InlineData("""{"name":"bad json","jwk":"\"kid\":test","kid":"35"}""", "could not json decode jwk string")]
    [InlineData("""{"name":"kid mismatch","jwk":"{\"kid\":\"a\"}","kid":"b"}""", "kid in jwk.kid must be equal to keys.kid")]
    [InlineData("""{"name":"not rsa","jwk":"{\"kid\":\"c\",\"kty\":\"RSA\",\"n\":\"AQAB\"}","kid":"c"}""", "could not load JWK, likely not a valid key")]
    [InlineData("""{"name":"bad curve","jwk":"{\"kid\":\"d\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}","kid":"d"}""", "could not load JWK, likely not a valid key")]
    [InlineData("""{"name":"typed","jwk":"{\"kid\":\"e\",\"kty\":7}","kid":"e"}""", "kty: expected a string")]
    [InlineData("""{"name":"none","kid":"f"}""", "at least one of these fields must be non-empty: 'jwk', 'pem'")]
    public async Task InvalidJwk_IsRefused_WithKongsMessage(string body, string message)
    {
        var (status, error) = await Node.CallAsync(HttpMethod.Post, "/keys", body);

        Assert.Equal(400, status);
        Assert.Equal($"schema violation ({message})", error!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task JwkAndPem_Together_AreRefused()
    {
        var (publicPem, _) = RsaPem();
        var body = Json(new JsonObject { ["kid"] = "g", ["jwk"] = """{"kid":"g"}""", ["pem"] = new JsonObject { ["public_key"] = publicPem } });

        var (status, error) = await Node.CallAsync(HttpMethod.Post, "/keys", body);

        Assert.Equal(400, status);
        Assert.Equal("only one or none of these fields must be set: 'jwk', 'pem'", error!["fields"]!["@entity"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task PemPair_ThatDoesNotMatch_OrDoesNotLoad_IsRefused()
    {
        var (publicPem, _) = RsaPem();
        var (_, otherPrivate) = RsaPem();

        var (mismatch, mismatchError) = await Node.CallAsync(HttpMethod.Post, "/keys", Json(new JsonObject
        {
            ["kid"] = "h",
            ["pem"] = new JsonObject { ["public_key"] = publicPem, ["private_key"] = otherPrivate },
        }));
        var (swapped, swappedError) = await Node.CallAsync(HttpMethod.Post, "/keys", Json(new JsonObject
        {
            ["kid"] = "i",
            ["pem"] = new JsonObject { ["public_key"] = otherPrivate },
        }));
        var (empty, emptyError) = await Node.CallAsync(HttpMethod.Post, "/keys", """{"kid":"j","pem":{}}""");

        Assert.Equal(400, mismatch);
        Assert.Equal("public key does not match private key", mismatchError!["fields"]!["pem"]!.GetValue<string>());
        Assert.Equal(400, swapped);
        Assert.Equal("could not load public key", swappedError!["fields"]!["pem"]!.GetValue<string>());
        Assert.Equal(400, empty);
        Assert.Equal(
            "at least one of these fields must be non-empty: 'private_key', 'public_key'",
            emptyError!["fields"]!["pem"]!["@entity"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task KeyMaterial_AsVaultReferences_IsStoredAsGiven()
    {
        var jwk = await Node.CreateAsync("/keys", """{"name":"ref jwk","kid":"k","jwk":"{vault://env/some-jwk}"}""");
        var pem = await Node.CreateAsync("/keys", """{"name":"ref pem","kid":"l","pem":{"private_key":"{vault://env/some-key}"}}""");

        Assert.Equal("{vault://env/some-jwk}", jwk["jwk"]!.GetValue<string>());
        Assert.Equal("{vault://env/some-key}", (await Node.GetAsync($"/keys/{pem["id"]}"))["pem"]!["private_key"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keys_AndKeySets_AreListed_AndServeTheirSchemas()
    {
        await Node.CreateAsync("/key-sets", """{"name":"listed-set","tags":["listed"]}""");

        var sets = await Node.GetAsync("/key-sets?tags=listed");
        var keysSchema = await Node.GetAsync("/schemas/keys");

        Assert.Equal("listed-set", Assert.Single(sets["data"]!.AsArray())!["name"]!.GetValue<string>());
        var fields = keysSchema["fields"]!.AsArray().Select(f => f!.AsObject().Single()).ToDictionary(p => p.Key, p => p.Value!);
        Assert.True(fields["jwk"]["referenceable"]!.GetValue<bool>());
        Assert.Equal("key_sets", fields["set"]["reference"]!.GetValue<string>());
        Assert.Equal("cascade", fields["set"]["on_delete"]!.GetValue<string>());
    }

    private static string Json(JsonObject body) => body.ToJsonString();

    private static JsonObject RsaJwk(string kid)
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["kid"] = kid,
            ["alg"] = "RS256",
            ["use"] = "sig",
            ["n"] = B64(p.Modulus!),
            ["e"] = B64(p.Exponent!),
            ["d"] = B64(p.D!),
            ["p"] = B64(p.P!),
            ["q"] = B64(p.Q!),
            ["dp"] = B64(p.DP!),
            ["dq"] = B64(p.DQ!),
            ["qi"] = B64(p.InverseQ!),
        };
    }

    private static (string Public, string Private) RsaPem()
    {
        using var rsa = RSA.Create(2048);
        return (rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    private static string B64(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Node.Admin;
using Gateway.Node.Plugins.Acl;
using Gateway.Node.Plugins.BasicAuth;
using Gateway.Node.Plugins.HmacAuth;
using Gateway.Node.Plugins.Jwt;
using Gateway.Node.Plugins.KeyAuth;
using Gateway.Schema;
using static Gateway.Tests.Node.Plugins.PluginConfigValidator;

namespace Gateway.Tests.Node.Plugins;

/// <summary>The credential entities of the auth plugins.</summary>
public class CredentialSchemaTests
{
    private const string ConsumerId = "a5b0e7c4-3f0e-4e8c-9d5b-7c0e9a1f2b3c";

    private static JsonObject Consumer => new() { ["id"] = ConsumerId };

    private static (JsonObject? Entity, ValidationErrors Errors) Validate(EntitySchema schema, JsonObject input)
    {
        // The engine's generated created_at (a JsonValue<long>) makes its own number check throw;
        // until that is fixed in SchemaValidator, the timestamp is given as parsed JSON.
        input["created_at"] ??= JsonNode.Parse("1700000000");
        var errors = new ValidationErrors();
        return (Validator.Validate(schema, input, null, errors), errors);
    }

    [Fact]
    public void BasicAuth_Password_IsStoredAsBCryptHash()
    {
        var (entity, errors) = Validate(BasicAuthCredentials.Schema,
            new JsonObject { ["consumer"] = Consumer, ["username"] = "bob", ["password"] = "s3cr3t" });
        Assert.True(errors.IsEmpty, errors.ToMessage());
        var stored = entity!["password"]!.GetValue<string>();
        Assert.NotEqual("s3cr3t", stored);
        Assert.StartsWith("$2", stored);
        Assert.True(BCrypt.Net.BCrypt.Verify("s3cr3t", stored));
        Assert.False(BCrypt.Net.BCrypt.Verify("wrong", stored));
    }

    [Fact]
    public void BasicAuth_RequiresUsernamePasswordAndConsumer()
    {
        var (_, errors) = Validate(BasicAuthCredentials.Schema, []);
        Assert.Equal("""{"consumer":"required field missing","password":"required field missing","username":"required field missing"}""",
            errors.ToJson().Json());
    }

    [Fact]
    public void KeyAuth_Key_IsGeneratedWhenAbsent()
    {
        var (first, _) = Validate(KeyAuthCredentials.Schema, new JsonObject { ["consumer"] = Consumer });
        var (second, _) = Validate(KeyAuthCredentials.Schema, new JsonObject { ["consumer"] = Consumer });
        var key = first!["key"]!.GetValue<string>();
        Assert.True(key.Length >= 32);
        Assert.NotEqual(key, second!["key"]!.GetValue<string>());
        // Kong's fields (daos.lua), then the write's ttl: Kong's keyauth_credentials has ttl = true, not a ttl field.
        Assert.Equal(["id", "created_at", "consumer", "key", "tags", "ttl"], first.Select(p => p.Key));
        Assert.Null(first["ttl"]);
        Assert.Equal(1700000000, first["created_at"]!.GetValue<long>());

        var (given, _) = Validate(KeyAuthCredentials.Schema, new JsonObject { ["consumer"] = Consumer, ["key"] = "my-key" });
        Assert.Equal("my-key", given!["key"]!.GetValue<string>());
    }

    [Fact]
    public void KeyAuth_Ttl_IsASchemaFlag_NotAField()
    {
        var schema = SchemaDescriber.Describe(KeyAuthCredentials.Schema);

        Assert.True(schema["ttl"]!.GetValue<bool>());
        Assert.Equal(["id", "created_at", "consumer", "key", "tags"], schema["fields"]!.AsArray().Select(f => f!.AsObject().Single().Key));
        Assert.Null(SchemaDescriber.Describe(BasicAuthCredentials.Schema)["ttl"]);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("null", null)]
    [InlineData("3600", 3600L)]
    [InlineData("100000000", 100000000L)]
    public void KeyAuth_Ttl_ZeroMeansNeverExpires(string ttl, long? stored)
    {
        var (entity, errors) = Validate(KeyAuthCredentials.Schema, JsonNode.Parse($$"""{"consumer":{"id":"{{ConsumerId}}"},"ttl":{{ttl}}}""")!.AsObject());
        Assert.True(errors.IsEmpty, errors.ToMessage());
        Assert.Equal(stored, (long?)entity!["ttl"]);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("100000001")]
    [InlineData("1.5")]
    [InlineData("\"10\"")]
    public void KeyAuth_Ttl_OutOfKongsBounds_IsRefused(string ttl)
    {
        var (_, errors) = Validate(KeyAuthCredentials.Schema, JsonNode.Parse($$"""{"consumer":{"id":"{{ConsumerId}}"},"ttl":{{ttl}}}""")!.AsObject());
        Assert.Equal("""{"ttl":"must be an integer between 0 and 100000000"}""", errors.ToJson().Json());
    }

    [Fact]
    public void BasicAuth_Ttl_IsAnUnknownField() =>
        Assert.Equal("""{"ttl":"unknown field"}""",
            Validate(BasicAuthCredentials.Schema, new JsonObject { ["consumer"] = Consumer, ["username"] = "u", ["password"] = "p", ["ttl"] = 10 }).Errors.ToJson().Json());

    [Fact]
    public void Credentials_AreExposedAtKongsPaths_AndCascadeWithTheirConsumer()
    {
        EntitySchema[] schemas = [KeyAuthCredentials.Schema, BasicAuthCredentials.Schema, AclCredentials.Schema, JwtCredentials.Schema, HmacAuthCredentials.Schema];
        Assert.Equal(["key-auths", "basic-auths", "acls", "jwts", "hmac-auths"], schemas.Select(s => s.AdminPath));
        Assert.Equal(["key-auth", "basic-auth", "acls", "jwt", "hmac-auth"], schemas.Select(s => s.NestedPath));
        Assert.All(schemas, s =>
        {
            var consumer = s["consumer"]!;
            Assert.Equal("consumers", consumer.Reference);
            Assert.Equal(OnDelete.Cascade, consumer.OnDelete);
            Assert.True(consumer.Required);
            Assert.NotNull(s["tags"]);
            Assert.NotNull(s["created_at"]);
        });
        Assert.Equal(["consumer", "group"], AclCredentials.Schema.CacheKey);
        Assert.Equal(["username"], BasicAuthCredentials.Schema.UniqueFields.Select(f => f.Name));
    }

    [Fact]
    public void Acl_GroupRequired()
    {
        var (_, errors) = Validate(AclCredentials.Schema, new JsonObject { ["consumer"] = Consumer });
        Assert.Equal("""{"group":"required field missing"}""", errors.ToJson().Json());
    }

    [Fact]
    public void HmacAuth_SecretGenerated()
    {
        var (entity, errors) = Validate(HmacAuthCredentials.Schema, new JsonObject { ["consumer"] = Consumer, ["username"] = "alice" });
        Assert.True(errors.IsEmpty, errors.ToMessage());
        Assert.False(string.IsNullOrEmpty(entity!["secret"]!.GetValue<string>()));
    }

    [Fact]
    public void Jwt_Defaults_HS256_WithGeneratedKeyAndSecret()
    {
        var (entity, errors) = Validate(JwtCredentials.Schema, new JsonObject { ["consumer"] = Consumer });
        Assert.True(errors.IsEmpty, errors.ToMessage());
        Assert.Equal("HS256", entity!["algorithm"]!.GetValue<string>());
        Assert.NotNull(entity["key"]);
        Assert.NotNull(entity["secret"]);
        Assert.Null(entity["rsa_public_key"]);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES384")]
    [InlineData("PS512")]
    [InlineData("EdDSA")]
    public void Jwt_AsymmetricAlgorithm_RequiresPublicKey(string algorithm)
    {
        var (_, errors) = Validate(JwtCredentials.Schema, new JsonObject { ["consumer"] = Consumer, ["algorithm"] = algorithm });
        Assert.Equal("""{"rsa_public_key":"required field missing"}""", errors.ToJson().Json());
    }

    [Fact]
    public void Jwt_PublicKey_MustParse()
    {
        var (_, bad) = Validate(JwtCredentials.Schema,
            new JsonObject { ["consumer"] = Consumer, ["algorithm"] = "RS256", ["rsa_public_key"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" });
        Assert.Equal("""{"rsa_public_key":"invalid key"}""", bad.ToJson().Json());

        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (var (algorithm, pem) in new[] { ("RS256", rsa.ExportSubjectPublicKeyInfoPem()), ("ES256", ec.ExportSubjectPublicKeyInfoPem()) })
        {
            var (entity, errors) = Validate(JwtCredentials.Schema,
                new JsonObject { ["consumer"] = Consumer, ["algorithm"] = algorithm, ["rsa_public_key"] = pem });
            Assert.True(errors.IsEmpty, errors.ToMessage());
            Assert.Equal(pem, entity!["rsa_public_key"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Jwt_UnknownAlgorithm_ListsKongs()
    {
        var (_, errors) = Validate(JwtCredentials.Schema, new JsonObject { ["consumer"] = Consumer, ["algorithm"] = "none" });
        Assert.Equal("""{"algorithm":"expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512, EdDSA"}""",
            errors.ToJson().Json());
    }
}

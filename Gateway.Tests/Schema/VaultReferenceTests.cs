using Gateway.Schema;

namespace Gateway.Tests.Schema;

/// <summary>Vault reference syntax as Kong's kong/pdk/vault.lua parses it (spec/01-unit/23-vaults_spec.lua).</summary>
public sealed class VaultReferenceTests
{
    [Theory]
    [InlineData("{vault://env/test}", "env", "test", null, null)]
    [InlineData("{vault://env/cert/key}", "env", "cert", "key", null)]
    [InlineData("{vault://my-vault/path/to/secret/field}", "my-vault", "path/to/secret", "field", null)]
    [InlineData("{vault://env/cert/key#2}", "env", "cert", "key", 2)]
    [InlineData("{vault://env/cert/}", "env", "cert", null, null)]
    [InlineData("{vault://env/a%20b}", "env", "a b", null, null)]
    public void Reference_IsParsedIntoItsParts(string text, string name, string resource, string? key, int? version)
    {
        var reference = VaultReference.Parse(text, out var error);

        Assert.Null(error);
        Assert.Equal(new VaultReference(name, resource, key, version, reference!.Options), reference);
    }

    [Fact]
    public void Query_GivesConfigOverrides()
    {
        var reference = VaultReference.Parse("{vault://env/cert/key?prefix=SSL_&x=1#1}", out _);

        Assert.Equal("SSL_", reference!.Options["prefix"]);
        Assert.Equal("1", reference.Options["x"]);
        Assert.Equal(1, reference.Version);
        Assert.Equal("cert", reference.Resource);
    }

    [Theory]
    [InlineData("vault://env/test", "not a reference [vault://env/test]")]
    [InlineData("{vault:/env/test}", "not a reference [{vault:/env/test}]")]
    [InlineData("{vault://env}", "reference url is missing path [{vault://env}]")]
    [InlineData("{vault://env/}", "reference url has empty path [{vault://env/}]")]
    [InlineData("{vault:///x}", "reference url is missing host [{vault:///x}]")]
    [InlineData("{vault://env/test#one}", "reference url has invalid version [{vault://env/test#one}]")]
    public void NonReference_GetsKongsMessage(string text, string message)
    {
        Assert.Null(VaultReference.Parse(text, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("{vault://env/x}", true)]
    [InlineData("{vault:/}", false)]
    [InlineData("{VAULT://env/x}", false)]
    [InlineData(" {vault://env/x}", false)]
    [InlineData("{vault://env/x", false)]
    public void IsReference_IsKongsShapeCheck(string text, bool expected) => Assert.Equal(expected, VaultReference.IsReference(text));
}

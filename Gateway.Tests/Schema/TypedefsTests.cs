using Gateway.Schema;

namespace Gateway.Tests.Schema;

public class TypedefsTests
{
    [Theory]
    [InlineData("example.com", HostType.Name, "example.com", null)]
    [InlineData("example.com:8080", HostType.Name, "example.com", 8080)]
    [InlineData("001.002.003.004", HostType.Ipv4, "1.2.3.4", null)]
    [InlineData("1.2.3.4:5", HostType.Ipv4, "1.2.3.4", 5)]
    [InlineData("::1", HostType.Ipv6, "0000:0000:0000:0000:0000:0000:0000:0001", null)]
    [InlineData("[FE80::1]:443", HostType.Ipv6, "fe80:0000:0000:0000:0000:0000:0000:0001", 443)]
    public void NormalizeIp_ParsesLikeKong(string input, HostType type, string host, int? port)
    {
        var address = Typedefs.NormalizeIp(input, out var error);

        Assert.Null(error);
        Assert.Equal(new HostAddress(type, host, port), address);
    }

    [Theory]
    [InlineData("1.2.3.256", "invalid ipv4 address: 1.2.3.256")]
    [InlineData("1.2.3", "invalid ipv4 address: 1.2.3")]
    [InlineData("1.2.3.4:70000", "invalid port number")]
    [InlineData("example.com:70000", "invalid port number")]
    [InlineData("[::1]:70000", "invalid port number")]
    [InlineData("1::2::3", "invalid ipv6 address: 1::2::3")]
    [InlineData("under score..x", "invalid hostname: under score..x")]
    public void NormalizeIp_RefusesLikeKong(string input, string expected)
    {
        Assert.Null(Typedefs.NormalizeIp(input, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("::1/128", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("10.0.0", false)]
    [InlineData("nope", false)]
    [InlineData("[::1]", true)]
    [InlineData("[::1]/64", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("::/0", true)]

    // Inputs the plugins' own copy of the rule took and Kong 3.9 refuses (inet_pton: no short forms, no zone).
    [InlineData("10.1", false)]
    [InlineData("1", false)]
    [InlineData("fe80::1%eth0", false)]

    // Inputs .NET's parser takes and Kong 3.9 refuses: octal or hex octets, a port, a prefix not written plainly.
    [InlineData("010.0.0.1", false)]
    [InlineData("0x7f.0.0.1", false)]
    [InlineData("::ffff:010.0.0.1", false)]
    [InlineData("[::1]:80", false)]
    [InlineData("10.0.0.0/08", false)]
    [InlineData("10.0.0.0/+8", false)]
    [InlineData("10.0.0.0/", false)]
    [InlineData("::1/129", false)]
    public void IsIpOrCidr_AsKong39(string input, bool expected)
    {
        Assert.Equal(expected, Typedefs.IsIpOrCidr(input));
    }
}

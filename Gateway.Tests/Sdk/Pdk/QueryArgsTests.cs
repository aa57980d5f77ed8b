using Gateway.Plugins.Sdk.Pdk;

namespace Gateway.Tests.Sdk.Pdk;

/// <summary>
/// The one query and form argument type: nginx's parsing, and the three ways plugins write arguments back
/// (key-auth clears a query argument as sent, key-auth re-encodes a form body in order, request-transformer
/// sets the query sorted), which differ on purpose because the Kong functions they mirror do.
/// </summary>
public sealed class QueryArgsTests
{
    [Fact]
    public void Parse_ReadsAsNginx()
    {
        var args = QueryArgs.Parse("?a=1&b&a=2&=x&c=&d+e=f%20g&&");

        Assert.Equal(["1", "2"], args.Get("a"));
        Assert.Equal([null], args.Get("b"));
        Assert.Equal([""], args.Get("c"));
        Assert.Equal(["f g"], args.Get("d e"));
        Assert.Empty(args.Get("A"));
        Assert.False(args.Contains(""));
        Assert.Equal(["a", "b", "c", "d e"], args.Names);
    }

    [Fact]
    public void ToJson_IsKongsGetQueryTable() =>
        Assert.Equal("""{"a":["1","2"],"b":true,"c":"","d e":"f g"}""", QueryArgs.Parse("?a=1&b&a=2&=x&c=&d+e=f%20g").ToJson().ToJsonString());

    [Fact]
    public void Parse_WithNginxCap_KeepsTheFirst100Arguments()
    {
        var query = "?=skipped&" + string.Join('&', Enumerable.Range(1, 101).Select(i => $"a{i}={i}"));

        var json = QueryArgs.Parse(query, QueryArgs.NginxMaxArgs).ToJson();

        Assert.Equal(100, json.Count);
        Assert.Null(json["a101"]);
        Assert.Equal(101, QueryArgs.Parse(query).Names.Count());
    }

    [Fact]
    public void Parse_TakesOneQuestionMarkAsTheSeparator_AndParseFormNone()
    {
        Assert.Equal(["1"], QueryArgs.Parse("??a=1").Get("?a"));
        Assert.Equal(["1"], QueryArgs.Parse("a=1").Get("a"));
        Assert.Equal(["1"], QueryArgs.ParseForm("?a=1").Get("?a"));
    }

    [Fact]
    public void EncodeSorted_IsKongsSetQuery()
    {
        var args = QueryArgs.Parse("?b&a=1&=dropped&a-=x y&a=%7e");

        Assert.Equal("a-=x%20y&a=1&a=~&b", args.Encode(QueryArgsEncoding.Sorted));
        Assert.Equal("?a-=x%20y&a=1&a=~&b", args.ToQueryString(QueryArgsEncoding.Sorted));
    }

    [Fact]
    public void AsSent_IsKongsClearQueryArg_TheRestWrittenAsItCame()
    {
        var args = QueryArgs.Parse("?b=%7e&apikey=k&a=x+y&apikey&=z");

        Assert.Equal("?b=%7e&a=x+y&=z", args.Without("apikey").ToQueryString(QueryArgsEncoding.AsSent));
        Assert.Equal("", QueryArgs.Parse("?apikey=k").Without("apikey").ToQueryString(QueryArgsEncoding.AsSent));
        Assert.Equal(["k", null], args.Get("apikey"));
    }

    [Fact]
    public void InOrder_ReencodesEveryArgumentWhereItWas() =>
        Assert.Equal("b=~&a=x%20y&=z", QueryArgs.ParseForm("b=%7e&key=k&a=x+y&=z").Without("key").Encode(QueryArgsEncoding.InOrder));

    [Fact]
    public void Changes_AreTheTransformersTableOperations()
    {
        var args = QueryArgs.Parse("?flag&b=1&b=2&c=3");

        args.AppendValue("flag", "v");
        args.AppendValue("b", "3");
        args.Set("c", "x y");
        args.Set("renamed", args.Get("b"));
        args.Remove("b");
        args.Append("d", null);

        Assert.Equal(["v"], args.Get("flag"));
        Assert.Equal(["1", "2", "3"], args.Get("renamed"));
        Assert.False(args.Contains("b"));
        Assert.Equal("?flag=v&c=x%20y&renamed=1&renamed=2&renamed=3&d", args.ToQueryString(QueryArgsEncoding.AsSent));
        Assert.Equal("c=x%20y&d&flag=v&renamed=1&renamed=2&renamed=3", args.Encode(QueryArgsEncoding.Sorted));
    }

    [Theory]
    [InlineData("?x%5Fstop=1", true)]
    [InlineData("?a=1&x_stop", true)]
    [InlineData("?X_STOP=1", false)]
    [InlineData("?a=x_stop", false)]
    [InlineData(null, false)]
    public void HasArgument_FindsAnExactNameWithoutParsing(string? query, bool expected) =>
        Assert.Equal(expected, QueryArgs.HasArgument(query, "x_stop"));
}

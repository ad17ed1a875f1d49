namespace Fluo.Rules.Tests;

/// <summary>span.attr["key"]: dynamic values, missing attributes never match and never throw.</summary>
public sealed class AttributeTests
{
    private static readonly TraceDocument Trace = T.Trace(
        T.Span("num", attrs: [("code", 503), ("route", "/api/cart"), ("retry", true)]),
        T.Span("text", attrs: [("code", "503"), ("route", "/health")]),
        T.Span("none"),
        T.Span("empty", attrs: []));

    [Theory]
    [InlineData("span.attr[\"code\"] == 503", new[] { "num" })]
    [InlineData("span.attr[\"code\"] == \"503\"", new[] { "text" })]
    [InlineData("span.attr[\"code\"] != 503", new[] { "text" })]                  // present with another kind: unequal
    [InlineData("span.attr[\"code\"] >= 500", new[] { "num" })]                   // text is never ordered
    [InlineData("span.attr[\"code\"] < 500", new string[0])]
    [InlineData("500 <= span.attr[\"code\"]", new[] { "num" })]
    [InlineData("span.attr[\"route\"] startsWith \"/api/\"", new[] { "num" })]
    [InlineData("span.attr[\"route\"] contains \"a\"", new[] { "num", "text" })]
    [InlineData("span.attr[\"route\"] endsWith \"th\"", new[] { "text" })]
    [InlineData("span.attr[\"route\"] matches \"^/api/[a-z]+$\"", new[] { "num" })]
    [InlineData("span.attr[\"code\"] contains \"50\"", new[] { "text" })]         // a number is not text
    [InlineData("span.attr[\"retry\"]", new[] { "num" })]
    [InlineData("span.attr[\"retry\"] == true", new[] { "num" })]
    [InlineData("not span.attr[\"retry\"]", new[] { "text", "none", "empty" })]
    [InlineData("span.attr[\"code\"] == null", new[] { "none", "empty" })]
    [InlineData("span.attr[\"code\"] != null", new[] { "num", "text" })]
    public void Attribute_comparisons(string rule, string[] offending) => Assert.Equal(offending, T.Offending(rule, Trace));

    [Theory]
    [InlineData("span.attr[\"missing\"] == 1")]
    [InlineData("span.attr[\"missing\"] != 1")]
    [InlineData("span.attr[\"missing\"] != \"x\"")]
    [InlineData("span.attr[\"missing\"] > 1")]
    [InlineData("span.attr[\"missing\"] <= 1")]
    [InlineData("span.attr[\"missing\"] == true")]
    [InlineData("span.attr[\"missing\"] contains \"\"")]
    [InlineData("span.attr[\"missing\"] startsWith \"\"")]
    [InlineData("span.attr[\"missing\"] matches \".*\"")]
    [InlineData("span.attr[\"missing\"]")]
    [InlineData("span.attr[\"missing\"] == span.attr[\"other\"]")]
    [InlineData("span.attr[\"missing\"] == span.name")]
    public void Missing_attributes_match_nothing(string rule) => Assert.Empty(T.Offending(rule, Trace));

    [Fact]
    public void Attributes_compare_with_each_other_and_with_fields()
    {
        var trace = T.Trace(
            T.Span("same", service: "cart", attrs: [("peer.service", "cart"), ("a", 1), ("b", 1)]),
            T.Span("diff", service: "cart", attrs: [("peer.service", "payments"), ("a", 1), ("b", 2)]));
        Assert.Equal(["same"], T.Offending("span.attr[\"peer.service\"] == span.service", trace));
        Assert.Equal(["same"], T.Offending("span.attr[\"a\"] == span.attr[\"b\"]", trace));
        Assert.Equal(["diff"], T.Offending("span.attr[\"a\"] < span.attr[\"b\"]", trace));
        Assert.Equal(["same", "diff"], T.Offending("span.attr[\"a\"] < trace.spanCount", trace));
    }

    [Fact]
    public void Keys_with_dots_spaces_and_escapes_are_looked_up_verbatim()
    {
        var trace = T.Trace(T.Span("a", attrs: [("weird key \"1\"", "v"), ("http.request.method", "GET")]));
        Assert.Equal(["a"], T.Offending("span.attr[\"weird key \\\"1\\\"\"] == \"v\"", trace));
        Assert.Equal(["a"], T.Offending("span.attr['http.request.method'] == 'GET'", trace));
    }

    [Fact]
    public void String_operators_are_case_sensitive_and_ordinal()
    {
        var trace = T.Trace(T.Span("a", "GET /Cart"));
        Assert.Empty(T.Offending("span.name contains \"cart\"", trace));
        Assert.Equal(["a"], T.Offending("span.name contains \"Cart\"", trace));
        Assert.Equal(["a"], T.Offending("span.name matches \"(?i)cart\"", trace));
    }
}

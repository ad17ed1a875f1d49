namespace Fluo.Rules.Tests;

/// <summary>Every literal form: strings with escapes, numbers, booleans, durations, statuses and null.</summary>
public sealed class LiteralTests
{
    [Theory]
    [InlineData("span.name == \"a\\\"b\"", "a\"b")]
    [InlineData("span.name == 'it\\'s'", "it's")]
    [InlineData("span.name == 'say \"hi\"'", "say \"hi\"")]
    [InlineData("span.name == \"back\\\\slash\"", "back\\slash")]
    [InlineData("span.name == \"tab\\there\"", "tab\there")]
    [InlineData("span.name == \"line\\nbreak\\r\"", "line\nbreak\r")]
    [InlineData("span.name == \"\\u0041\\u00e9\"", "Aé")]
    [InlineData("span.name == \"\"", "")]
    [InlineData("span.name == \"GET /api/{id}\"", "GET /api/{id}")]
    public void String_literals_decode_escapes(string rule, string name)
    {
        Assert.True(T.Violates(rule, T.Trace(T.Span("a", name))));
        Assert.False(T.Violates(rule, T.Trace(T.Span("a", name + "x"))));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m", 60_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("250us", 0.25)]
    [InlineData("250µs", 0.25)]
    [InlineData("0ms", 0)]
    [InlineData("0.5ms", 0.5)]
    public void Duration_literals_are_in_their_units(string literal, double ms)
    {
        var rule = $"span.duration == {literal}";
        Assert.True(T.Violates(rule, T.Trace(T.Span("a", ms: ms))));
        Assert.False(T.Violates(rule, T.Trace(T.Span("a", ms: ms + 1))));
    }

    [Theory]
    [InlineData("42", 42.0)]
    [InlineData("4.5", 4.5)]
    [InlineData("-3", -3.0)]
    [InlineData("-0.25", -0.25)]
    [InlineData("007", 7.0)]
    public void Number_literals_compare_with_numeric_attributes(string literal, double value)
    {
        var rule = $"span.attr[\"n\"] == {literal}";
        Assert.True(T.Violates(rule, T.Trace(T.Span("a", attrs: ("n", value)))));
        Assert.False(T.Violates(rule, T.Trace(T.Span("a", attrs: ("n", value + 1)))));
    }

    [Fact]
    public void Bool_literals()
    {
        var trace = T.Trace(T.Span("r"), T.Span("c", parent: "r", attrs: ("cached", true)), T.Span("d", parent: "r", attrs: ("cached", false)));
        Assert.Equal(["c"], T.Offending("span.attr[\"cached\"] == true", trace));
        Assert.Equal(["d"], T.Offending("span.attr[\"cached\"] == false", trace));
        Assert.Equal(["c", "d"], T.Offending("span.isRoot == false", trace));
        Assert.Equal(["r"], T.Offending("span.isRoot == true", trace));
        Assert.Equal(["r"], T.Offending("span.isRoot", trace));
    }

    [Theory]
    [InlineData("ok", SpanStatus.Ok)]
    [InlineData("error", SpanStatus.Error)]
    [InlineData("unset", SpanStatus.Unset)]
    public void Status_keywords(string keyword, SpanStatus status)
    {
        var trace = T.Trace(T.Span("o", status: SpanStatus.Ok), T.Span("e", status: SpanStatus.Error), T.Span("u"));
        var id = status switch { SpanStatus.Ok => "o", SpanStatus.Error => "e", _ => "u" };
        Assert.Equal([id], T.Offending($"span.status == {keyword}", trace));
        Assert.Equal(new[] { "o", "e", "u" }.Where(i => i != id), T.Offending($"span.status != {keyword}", trace));
    }

    [Fact]
    public void Null_tests_the_parent_and_attribute_presence()
    {
        var trace = T.Trace(T.Span("r", attrs: ("k", "v")), T.Span("c", parent: "r"));
        Assert.Equal(["r"], T.Offending("span.parent == null", trace));
        Assert.Equal(["c"], T.Offending("span.parent != null", trace));
        Assert.Equal(["c"], T.Offending("span.parent == \"r\"", trace));
        Assert.Equal(["r"], T.Offending("span.attr[\"k\"] != null", trace));
        Assert.Equal(["c"], T.Offending("null == span.attr[\"k\"]", trace));
    }

    [Fact]
    public void Whitespace_and_newlines_are_free()
    {
        var rule = "\n  span.name   ==\t\"db.query\"\r\n  and span.duration>500ms  ";
        Assert.Equal(["b"], T.Offending(rule, T.Trace(T.Span("a", "db.query", ms: 1), T.Span("b", "db.query", ms: 501))));
    }
}

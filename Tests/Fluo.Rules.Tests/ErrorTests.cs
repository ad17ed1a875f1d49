namespace Fluo.Rules.Tests;

/// <summary>Every kind of error, with its message and exact position (0-based offset, 1-based line and column).</summary>
public sealed class ErrorTests
{
    [Theory]
    // Type errors
    [InlineData("span.duration > \"abc\"", 16, 5, "cannot compare duration with string")]
    [InlineData("span.duration > 500", 16, 3, "cannot compare duration with number; give the number a unit, e.g. 500ms")]
    [InlineData("span.status == \"error\"", 15, 7, "cannot compare status with string; write the status without quotes: ok, error or unset")]
    [InlineData("span.attr[\"k\"] > 5ms", 17, 3, "cannot compare attribute with duration; attributes hold numbers, strings or booleans")]
    [InlineData("span.duration == null", 17, 4, "cannot compare duration with null; only span.parent and span.attr[...] can be null")]
    [InlineData("span.name < \"b\"", 10, 1, "'<' compares numbers and durations, not string values")]
    [InlineData("span.duration contains \"5\"", 0, 13, "'contains' needs text on its left, but this is a duration")]
    [InlineData("span.name startsWith 5", 21, 1, "'startsWith' needs a string on its right, but this is a number")]
    [InlineData("span.name matches span.service", 18, 12, "'matches' needs the pattern as a string literal, e.g. matches \"^GET /api/\"")]
    [InlineData("span.duration", 0, 13, "a rule must be a condition (true or false), but this is a duration; compare it, e.g. > 500ms")]
    [InlineData("count(span.name == \"x\")", 0, 23, "a rule must be a condition (true or false), but this is a number; compare it, e.g. > 20")]
    [InlineData("span.isRoot and span.name", 16, 9, "'and' needs conditions on both sides, but this is a string; compare it, e.g. == \"checkout\"")]
    [InlineData("not span.status", 4, 11, "'not' needs a condition, but this is a status; compare it, e.g. == error")]
    [InlineData("trace.has(span.duration)", 10, 13, "trace.has needs a condition on span, e.g. trace.has(span.name == \"charge\"), but this is a duration; compare it, e.g. > 500ms")]
    [InlineData("trace.has()", 0, 11, "trace.has takes one condition on span, e.g. trace.has(span.name == \"charge\")")]
    [InlineData("count(span.isRoot, span.isRoot) > 1", 0, 31, "count takes one condition on span, e.g. count(span.name == \"charge\")")]
    // Names
    [InlineData("span.nme == \"x\"", 5, 3, "unknown field 'span.nme'; did you mean 'span.name'?")]
    [InlineData("span.Name == \"x\"", 5, 4, "unknown field 'span.Name'; did you mean 'span.name'?")]
    [InlineData("trace.spancount > 1", 6, 9, "unknown field 'trace.spancount'; did you mean 'trace.spanCount'?")]
    [InlineData("span.kind == \"server\"", 5, 4, "unknown field 'span.kind'; span fields are duration, id, isRoot, name, parent, service, status, attr[\"key\"]")]
    [InlineData("name == \"x\"", 0, 4, "unknown name 'name'; did you mean 'span.name'?")]
    [InlineData("spn.name == \"x\"", 0, 8, "unknown name 'spn.name'; did you mean 'span.name'?")]
    [InlineData("foo(span.isRoot)", 0, 3, "unknown function 'foo'")]
    [InlineData("trace.hsa(span.isRoot)", 0, 9, "unknown function 'trace.hsa'; did you mean 'trace.has'?")]
    [InlineData("has(span.isRoot)", 0, 3, "unknown function 'has'; did you mean 'trace.has'?")]
    [InlineData("span.name() == \"x\"", 0, 9, "'span.name' is a field, not a function")]
    [InlineData("span.attr == \"x\"", 0, 9, "span.attr needs an attribute name: span.attr[\"http.status_code\"]")]
    [InlineData("span.name[\"x\"] == \"x\"", 0, 14, "only span.attr can be indexed, as span.attr[\"key\"]")]
    [InlineData("span.attr[\"\"] == 1", 0, 13, "the attribute name is empty")]
    [InlineData("span == \"x\"", 0, 4, "'span' is not a value on its own; name one of its fields, e.g. span.name")]
    [InlineData("trace.has > 1", 0, 9, "'trace.has' is a function: write trace.has(<condition on span>)")]
    [InlineData("count > 1", 0, 5, "'count' is a function: write count(<condition on span>)")]
    // Syntax
    [InlineData("", 0, 0, "the expression is empty")]
    [InlineData("   ", 0, 0, "the expression is empty")]
    [InlineData("(span.name == \"x\"", 0, 1, "unbalanced '(': missing ')'")]
    [InlineData("span.name == \"x\")", 16, 1, "unbalanced ')': there is no '(' to close")]
    [InlineData("trace.has(span.isRoot", 9, 1, "unbalanced '(': missing ')'")]
    [InlineData("(span.isRoot span.isRoot)", 13, 4, "expected ')' to close the '(' at column 1 but found 'span'")]
    [InlineData("span.name == \"abc", 13, 4, "unterminated string: add the closing '\"'")]
    [InlineData("span.name == 'abc", 13, 4, "unterminated string: add the closing \"'\"")]
    [InlineData("span.name == \"x\" span.service == \"y\"", 17, 4, "unexpected 'span' after a complete expression; join conditions with 'and' or 'or'")]
    [InlineData("span.name == ", 13, 0, "the expression ends too early: expected a value")]
    [InlineData("span.name == \"x\" and", 20, 0, "the expression ends too early: expected a value")]
    [InlineData("span.name == and", 13, 3, "expected a value but found 'and'")]
    [InlineData("1 < 2 < 3", 6, 1, "comparisons cannot be chained; join them with 'and'")]
    [InlineData("span.name = \"x\"", 10, 1, "use '==' to compare values")]
    [InlineData("span.isRoot && span.isRoot", 12, 2, "use 'and' instead of '&&'")]
    [InlineData("span.isRoot || span.isRoot", 12, 2, "use 'or' instead of '||'")]
    [InlineData("!span.isRoot", 0, 1, "use 'not' instead of '!'")]
    [InlineData("span.duration > 5xs", 17, 2, "unknown duration unit 'xs' (use us, ms, s, m or h)")]
    [InlineData("span.duration > 1.s", 17, 1, "expected a digit after the decimal point")]
    [InlineData("span.name == \"a\\qb\"", 15, 2, "unknown escape '\\q' (use \\\\, \\\", \\', \\n, \\r, \\t or \\uXXXX)")]
    [InlineData("span.name == \"\\u12\"", 14, 5, "'\\u' must be followed by 4 hex digits")]
    [InlineData("span.name == #", 13, 1, "unexpected character '#'")]
    [InlineData("-span.duration > 1ms", 0, 1, "'-' may only stand directly before a number or duration")]
    [InlineData("span.attr[name] == 1", 10, 4, "expected a quoted attribute name inside '[ ]' but found 'name'")]
    [InlineData("span.attr[\"k\" == 1", 14, 2, "missing ']' to close the '[' at column 10")]
    [InlineData("span.\"name\" == 1", 5, 6, "expected a field name after '.' but found the string \"name\"")]
    public void Reports_the_problem_at_its_position(string rule, int position, int length, string message)
    {
        var error = T.Error(rule);
        Assert.Equal(message, error.Message);
        Assert.Equal((position, length), (error.Position, error.Length));
        Assert.Equal(1, error.Line);
        Assert.Equal(position + 1, error.Column);
    }

    [Fact]
    public void Invalid_and_unsupported_patterns_are_reported_at_the_pattern()
    {
        var invalid = T.Error("span.name matches \"(\"");
        Assert.StartsWith("invalid regular expression:", invalid.Message, StringComparison.Ordinal);
        Assert.Equal((18, 3), (invalid.Position, invalid.Length));

        var backreference = T.Error("span.name matches \"(a)\\\\1\"");
        Assert.StartsWith("the pattern uses a construct 'matches' does not support", backreference.Message, StringComparison.Ordinal);
        Assert.Equal(18, backreference.Position);
    }

    [Fact]
    public void Lines_and_columns_count_lf_crlf_and_cr()
    {
        foreach (var newline in new[] { "\n", "\r\n", "\r" })
        {
            var rule = $"span.name == \"x\"{newline}  and span.duration > \"1\"";
            var error = T.Error(rule);
            Assert.Equal("cannot compare duration with string", error.Message);
            Assert.Equal((2, 23), (error.Line, error.Column));
            Assert.Equal(rule.IndexOf("\"1\"", StringComparison.Ordinal), error.Position);
        }

        var unclosed = T.Error("span.isRoot and\n  (span.isRoot\n");
        Assert.Equal((2, 3), (unclosed.Line, unclosed.Column));

        var mismatched = T.Error("span.isRoot and\n  (span.isRoot span.isRoot)");
        Assert.Equal("expected ')' to close the '(' at line 2, column 3 but found 'span'", mismatched.Message);
    }

    [Fact]
    public void Every_type_error_is_reported_in_order()
    {
        var result = RuleCompiler.TryCompile("span.nme == \"x\" or span.duration > \"y\" or count(span.foo) > 1");
        Assert.False(result.Success);
        Assert.Null(result.Rule);
        Assert.Collection(
            result.Diagnostics,
            d => Assert.Equal((5, "unknown field 'span.nme'; did you mean 'span.name'?"), (d.Position, d.Message)),
            d => Assert.Equal((35, "cannot compare duration with string"), (d.Position, d.Message)),
            d => Assert.Equal((53, "unknown field 'span.foo'; span fields are duration, id, isRoot, name, parent, service, status, attr[\"key\"]"), (d.Position, d.Message)));
    }

    [Fact]
    public void Compile_throws_with_the_first_location_and_all_diagnostics()
    {
        var ex = Assert.Throws<RuleSyntaxException>(() => RuleCompiler.Compile("span.isRoot and\n  span.nme == 1 and span.bar == 2"));
        Assert.Equal((2, 8, 23, 3), (ex.Line, ex.Column, ex.Position, ex.Length));
        Assert.Equal(2, ex.Diagnostics.Count);
        Assert.Equal("Invalid rule at line 2, column 8: unknown field 'span.nme'; did you mean 'span.name'? (and 1 more)", ex.Message);
        Assert.Equal("(2,8): unknown field 'span.nme'; did you mean 'span.name'?", ex.Diagnostics[0].ToString());
    }

    [Fact]
    public void Null_expression_is_an_argument_error()
    {
        Assert.Throws<ArgumentNullException>(() => RuleCompiler.TryCompile(null!));
        Assert.Throws<ArgumentNullException>(() => RuleCompiler.Compile("span.isRoot").Evaluate(null!));
    }
}

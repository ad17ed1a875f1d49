namespace Fluo.Rules;

/// <summary>
/// One problem found in a rule expression, located so an editor can underline it.
/// </summary>
/// <param name="Message">What is wrong, in plain words (e.g. <c>cannot compare duration with string</c>).</param>
/// <param name="Position">0-based offset of the first offending character in the expression.</param>
/// <param name="Length">How many characters the problem spans (at least 1, except at the end of the text where it is 0).</param>
/// <param name="Line">1-based line of <paramref name="Position"/>.</param>
/// <param name="Column">1-based column of <paramref name="Position"/> on its line.</param>
public sealed record RuleDiagnostic(string Message, int Position, int Length, int Line, int Column)
{
    /// <summary>The diagnostic as <c>(line,column): message</c>.</summary>
    public override string ToString() => $"({Line},{Column}): {Message}";

    /// <summary>Locates a problem at <paramref name="position"/> in <paramref name="source"/>, counting lines the way editors do (<c>\n</c>, <c>\r\n</c> or a lone <c>\r</c>).</summary>
    internal static RuleDiagnostic At(string source, int position, int length, string message)
    {
        position = Math.Clamp(position, 0, source.Length);
        length = Math.Clamp(length, 0, source.Length - position);
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position; i++)
        {
            var c = source[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= source.Length || source[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new RuleDiagnostic(message, position, length, line, position - lineStart + 1);
    }
}

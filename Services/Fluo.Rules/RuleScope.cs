namespace Fluo.Rules;

/// <summary>How a rule is evaluated on a trace.</summary>
public enum RuleScope
{
    /// <summary>The rule reads <c>span.</c> fields outside trace.has/count: it is tested on every span, and the trace violates it if any span does.</summary>
    Span,

    /// <summary>The rule reads only trace fields and trace.has/count: it is evaluated once per trace.</summary>
    Trace,
}

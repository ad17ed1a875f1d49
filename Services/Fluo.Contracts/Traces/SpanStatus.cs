namespace Fluo.Contracts.Traces;

/// <summary>The status of a span, as OpenTelemetry defines it.</summary>
public enum SpanStatus
{
    /// <summary>No status was set.</summary>
    Unset,

    /// <summary>The operation completed successfully.</summary>
    Ok,

    /// <summary>The operation failed.</summary>
    Error,
}

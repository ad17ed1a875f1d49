using System.Buffers;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Signals;

namespace Fluo.Api.Infrastructure;

/// <summary>Field checks shared by the endpoints; errors are collected per field for a ValidationProblem.</summary>
internal sealed class Validation
{
    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>True for exactly <paramref name="length"/> lowercase hex digits, not all zero.</summary>
    public static bool IsHexId(string? value, int length) =>
        value is not null && value.Length == length && !value.AsSpan().ContainsAnyExcept(LowerHex) && value.AsSpan().ContainsAnyExcept('0');

    public static bool TryParseSeverity(string? value, out Severity severity)
    {
        severity = value switch
        {
            "info" => Severity.Info,
            "warning" => Severity.Warning,
            "error" => Severity.Error,
            "critical" => Severity.Critical,
            _ => (Severity)(-1),
        };
        return (int)severity >= 0;
    }

    public static bool TryParseStatus(string? value, out SignalStatus status)
    {
        status = value switch
        {
            "open" => SignalStatus.Open,
            "resolved" => SignalStatus.Resolved,
            _ => (SignalStatus)(-1),
        };
        return (int)status >= 0;
    }

    /// <summary>Builds a signal filter from optional text values, naming bad ones under <paramref name="prefix"/>.</summary>
    public SignalFilter Filter(string? traceId, string? ruleId, string? status, string? severity, string prefix = "")
    {
        Guid? rule = null;
        SignalStatus? parsedStatus = null;
        Severity? parsedSeverity = null;
        if (traceId is not null && !IsHexId(traceId, 32))
        {
            Add(prefix + "traceId", "must be 32 lowercase hex digits");
        }

        if (ruleId is not null)
        {
            if (Guid.TryParse(ruleId, out var id))
            {
                rule = id;
            }
            else
            {
                Add(prefix + "ruleId", "must be a rule id (a GUID)");
            }
        }

        if (status is not null)
        {
            if (TryParseStatus(status, out var s))
            {
                parsedStatus = s;
            }
            else
            {
                Add(prefix + "status", "must be open or resolved");
            }
        }

        if (severity is not null)
        {
            if (TryParseSeverity(severity, out var s))
            {
                parsedSeverity = s;
            }
            else
            {
                Add(prefix + "severity", "must be info, warning, error or critical");
            }
        }

        return new SignalFilter(traceId, rule, parsedStatus, parsedSeverity);
    }
}

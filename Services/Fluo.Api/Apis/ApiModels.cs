using Fluo.Contracts.Rules;

namespace Fluo.Api.Apis;

/// <summary>A trace accepted for analysis.</summary>
/// <param name="TraceId">The trace.</param>
/// <param name="JobId">Its trace_analysis job (status at <c>/api/jobs/{jobId}</c>).</param>
public sealed record TraceAccepted(string TraceId, Guid JobId);

/// <summary>The traces of one OTLP request, each with its job.</summary>
/// <param name="Traces">One entry per trace.</param>
public sealed record TracesAccepted(IReadOnlyList<TraceAccepted> Traces);

/// <summary>The body of <c>POST /api/rules</c> and <c>PUT /api/rules/{id}</c>.</summary>
/// <param name="Name">1..200 characters, unique among rules.</param>
/// <param name="Severity">info, warning, error or critical.</param>
/// <param name="Enabled">Whether trace analysis evaluates it (default true).</param>
/// <param name="Expression">The rule expression (docs/rules.md).</param>
/// <param name="Version">On update: the version being replaced (optimistic concurrency; If-Match works too).</param>
public sealed record RuleRequest(string? Name, string? Severity, bool? Enabled, string? Expression, int? Version = null);

/// <summary>A rule as stored, with the back-test job queued for it.</summary>
/// <param name="Id">The rule's id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Enabled">Whether it is evaluated.</param>
/// <param name="Expression">Its expression.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
/// <param name="Version">Its version.</param>
/// <param name="ValidationJobId">The rule_validation job back-testing it.</param>
public sealed record RuleResponse(Guid Id, string Name, Severity Severity, bool Enabled, string Expression, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, Guid ValidationJobId);

/// <summary>The optional body of resolve/reopen.</summary>
/// <param name="By">Who (default: the signed-in user, else "api").</param>
public sealed record ResolveRequest(string? By);

/// <summary>The body of <c>POST /api/exports</c>.</summary>
/// <param name="Format">csv or json.</param>
/// <param name="Filter">Which signals (all when absent).</param>
public sealed record ExportRequest(string? Format, ExportFilterRequest? Filter);

/// <summary>An export's signal filter as sent; every member optional.</summary>
/// <param name="TraceId">32 hex digits.</param>
/// <param name="RuleId">A rule id.</param>
/// <param name="Status">open or resolved.</param>
/// <param name="Severity">info, warning, error or critical.</param>
public sealed record ExportFilterRequest(string? TraceId, string? RuleId, string? Status, string? Severity);

/// <summary>An export accepted.</summary>
/// <param name="ExportId">The export (download at <c>/api/exports/{exportId}/download</c> once complete).</param>
/// <param name="JobId">The data_export job filling it.</param>
public sealed record ExportAccepted(Guid ExportId, Guid JobId);

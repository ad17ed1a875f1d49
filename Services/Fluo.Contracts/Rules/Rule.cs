namespace Fluo.Contracts.Rules;

/// <summary>A team's rule: an expression evaluated on every trace (see docs/rules.md).</summary>
/// <param name="Id">The rule's id.</param>
/// <param name="Name">A short human name, unique among rules.</param>
/// <param name="Severity">The severity its signals get.</param>
/// <param name="Enabled">Whether trace analysis evaluates it.</param>
/// <param name="Expression">The rule expression.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last changed.</param>
/// <param name="Version">Incremented on every change (optimistic concurrency).</param>
public sealed record Rule(
    Guid Id,
    string Name,
    Severity Severity,
    bool Enabled,
    string Expression,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int Version);

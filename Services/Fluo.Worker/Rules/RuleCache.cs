using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;
using Fluo.Rules;
using Fluo.Worker.Telemetry;
using Microsoft.Extensions.Options;

namespace Fluo.Worker.Rules;

/// <summary>An enabled rule with its compiled form.</summary>
/// <param name="Rule">The rule as stored.</param>
/// <param name="Compiled">The compiled expression.</param>
internal sealed record ActiveRule(Rule Rule, CompiledRule Compiled);

/// <summary>
/// The enabled rules, listed from the Backend at most once per <see cref="WorkerOptions.RulesCacheDuration"/> and
/// compiled once per (rule id, version): a refresh reuses the compiled form of every rule that did not change.
/// </summary>
internal sealed class RuleCache(BackendClient backend, TimeProvider time, IOptions<WorkerOptions> options, ILogger<RuleCache> logger) : IDisposable
{
    private readonly TimeSpan _duration = options.Value.RulesCacheDuration;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _current;

    public async ValueTask<IReadOnlyList<ActiveRule>> GetEnabledAsync(CancellationToken cancellationToken)
    {
        if (Fresh(Volatile.Read(ref _current)) is { } rules)
        {
            return rules;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var previous = Volatile.Read(ref _current);
            if (Fresh(previous) is { } fresh)
            {
                return fresh;
            }

            var list = await backend.RequestAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest(EnabledOnly: true), cancellationToken);
            var next = new Snapshot(time.GetUtcNow(), Compile(list.Items, previous));
            Volatile.Write(ref _current, next);
            return next.Active;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Marks the cached rules stale (keeping their compiled forms for reuse): the next job lists them again.</summary>
    public void Invalidate()
    {
        if (Volatile.Read(ref _current) is { } current)
        {
            Volatile.Write(ref _current, new Snapshot(DateTimeOffset.MinValue, current.Entries));
        }
    }

    private ActiveRule[]? Fresh(Snapshot? snapshot) =>
        snapshot is not null && time.GetUtcNow() - snapshot.FetchedAt < _duration ? snapshot.Active : null;

    public void Dispose() => _refresh.Dispose();

    private Dictionary<Guid, Entry> Compile(IReadOnlyList<Rule> rules, Snapshot? previous)
    {
        var entries = new Dictionary<Guid, Entry>(rules.Count);
        foreach (var rule in rules)
        {
            if (!rule.Enabled)
            {
                continue;
            }

            if (previous?.Entries.TryGetValue(rule.Id, out var known) == true && known.Version == rule.Version && known.Expression == rule.Expression)
            {
                entries[rule.Id] = known with { Rule = rule };
                continue;
            }

            var result = RuleCompiler.TryCompile(rule.Expression);
            if (!result.Success)
            {
                // Stored rules were validated on save; one that no longer compiles (a language change) is skipped, not fatal.
                WorkerLog.RuleSkipped(logger, rule.Name, rule.Id, rule.Version, result.Diagnostics[0].Message);
            }

            entries[rule.Id] = new Entry(rule, rule.Version, rule.Expression, result.Rule);
        }

        return entries;
    }

    private sealed record Entry(Rule Rule, int Version, string Expression, CompiledRule? Compiled);

    private sealed class Snapshot(DateTimeOffset fetchedAt, Dictionary<Guid, Entry> entries)
    {
        public DateTimeOffset FetchedAt { get; } = fetchedAt;

        public Dictionary<Guid, Entry> Entries { get; } = entries;

        public ActiveRule[] Active { get; } = [.. entries.Values.Where(e => e.Compiled is not null).Select(e => new ActiveRule(e.Rule, e.Compiled!))];
    }
}

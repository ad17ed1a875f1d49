using Fluo.Backend.Hosting;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;

namespace Fluo.Backend.Rules;

/// <summary>The rules endpoints.</summary>
internal static class RulesEndpoints
{
    public static async ValueTask MapRulesAsync(this BackendEndpoints endpoints, RuleStore rules, CancellationToken cancellationToken)
    {
        await endpoints.MapAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, rules.ListAsync, () => new RuleListRequest(), cancellationToken);
        await endpoints.MapAsync<IdRequest, Rule>(BackendSubjects.RulesGet, rules.GetAsync, cancellationToken: cancellationToken);
    }
}

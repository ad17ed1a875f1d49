using Fluo.Api.Apis;
using Fluo.Api.Infrastructure;
using Fluo.Contracts.Jobs;
using Fluo.Rules;

namespace Fluo.Api.Rules;

/// <summary>Checks a rule body and compiles its expression (the same compiler the worker uses).</summary>
internal static class RuleRequestValidator
{
    /// <summary>Most characters in a rule name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The draft, or the field errors and the expression's positioned errors.</summary>
    public static (RuleDraft? Draft, Validation Validation, IReadOnlyList<ExpressionError> ExpressionErrors) Validate(RuleRequest request)
    {
        var validation = new Validation();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            validation.Add("name", $"must be 1 to {MaxNameLength} characters");
        }

        if (!Validation.TryParseSeverity(request.Severity, out var severity))
        {
            validation.Add("severity", "must be info, warning, error or critical");
        }

        IReadOnlyList<ExpressionError> expressionErrors = [];
        if (string.IsNullOrWhiteSpace(request.Expression))
        {
            validation.Add("expression", "must not be empty");
        }
        else
        {
            var compiled = RuleCompiler.TryCompile(request.Expression);
            if (!compiled.Success)
            {
                expressionErrors = [.. compiled.Diagnostics.Select(d => new ExpressionError(d.Message, d.Position, d.Length, d.Line, d.Column))];
                foreach (var error in expressionErrors)
                {
                    validation.Add("expression", $"({error.Line},{error.Column}): {error.Message}");
                }
            }
        }

        return validation.IsValid
            ? (new RuleDraft(name!, severity, request.Enabled ?? true, request.Expression!), validation, expressionErrors)
            : (null, validation, expressionErrors);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fluo.Contracts.Backend;
using Fluo.Contracts.Jobs;
using Fluo.Contracts.Rules;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fluo.Web.Pages;

/// <summary>
/// Rules: the list from the Backend; create and edit through the Api (<c>/api/rules</c>, which validates, writes the
/// outbox and queues a back-test), showing its 400 <c>expressionErrors</c> at their position under the expression.
/// </summary>
public sealed class RulesModel(BackendClient backend, IHttpClientFactory http) : PageModel
{
    /// <summary>The rules.</summary>
    public IReadOnlyList<Rule> Rules { get; private set; } = [];

    /// <summary>The rule being edited (null: a new one).</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    /// <summary>Its version (optimistic concurrency).</summary>
    [BindProperty]
    public int? Version { get; set; }

    /// <summary>Name.</summary>
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>Severity name.</summary>
    [BindProperty]
    public string Severity { get; set; } = "warning";

    /// <summary>Enabled.</summary>
    [BindProperty]
    public bool Enabled { get; set; } = true;

    /// <summary>The expression.</summary>
    [BindProperty]
    public string? Expression { get; set; }

    /// <summary>Errors in the expression, with positions.</summary>
    public IReadOnlyList<ExpressionError> ExpressionErrors { get; private set; } = [];

    /// <summary>The back-test job of the last save.</summary>
    public Guid? ValidationJobId { get; private set; }

    /// <summary>The outcome of the last save.</summary>
    public string? Message { get; private set; }

    /// <summary>Why the list could not be loaded.</summary>
    public string? Error { get; private set; }

    /// <summary>The 1-based line <paramref name="line"/> of the expression.</summary>
    public string LineOf(int line) => (Expression ?? string.Empty).Split('\n').ElementAtOrDefault(Math.Max(line - 1, 0))?.TrimEnd('\r') ?? string.Empty;

    /// <summary>Loads the list (and the rule to edit).</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Message = TempData["message"] as string;
        // TempData's serializer hands a GUID-shaped string back as a Guid.
        ValidationJobId = TempData["job"] switch
        {
            Guid g => g,
            string job when Guid.TryParse(job, out var j) => j,
            _ => null,
        };
        await LoadAsync(cancellationToken);
        if (Id is { } id && Rules.FirstOrDefault(r => r.Id == id) is { } rule)
        {
            (Name, Severity, Enabled, Expression, Version) = (rule.Name, rule.Severity.ToString().ToLowerInvariant(), rule.Enabled, rule.Expression, rule.Version);
        }
    }

    /// <summary>Creates or updates through the Api.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var client = http.CreateClient("api");
        var body = new { name = Name, severity = Severity, enabled = Enabled, expression = Expression, version = Version };
        HttpResponseMessage response;
        try
        {
            response = Id is { } id
                ? await client.PutAsJsonAsync($"/api/rules/{id}", body, cancellationToken)
                : await client.PostAsJsonAsync("/api/rules", body, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            ModelState.AddModelError(string.Empty, "The Api could not be reached: " + ex.Message);
            await LoadAsync(cancellationToken);
            return Page();
        }

        using (response)
        {
            var json = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                using var saved = JsonDocument.Parse(json);
                TempData["message"] = $"Rule '{Name}' saved.";
                if (saved.RootElement.TryGetProperty("validationJobId", out var job))
                {
                    TempData["job"] = job.GetString();
                }

                return RedirectToPage();
            }

            ShowProblem(response.StatusCode, json);
        }

        await LoadAsync(cancellationToken);
        return Page();
    }

    private void ShowProblem(HttpStatusCode status, string json)
    {
        try
        {
            using var problem = JsonDocument.Parse(json);
            var root = problem.RootElement;
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var key = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(field.Name);
                    foreach (var message in field.Value.EnumerateArray())
                    {
                        ModelState.AddModelError(key is "Name" or "Expression" or "Severity" ? key : string.Empty, message.GetString() ?? "invalid");
                    }
                }
            }

            if (root.TryGetProperty("expressionErrors", out var expressionErrors))
            {
                ExpressionErrors = expressionErrors.Deserialize(Fluo.Web.Live.WebJsonContext.Default.IReadOnlyListExpressionError) ?? [];
            }

            if (ModelState.IsValid && ExpressionErrors.Count == 0)
            {
                ModelState.AddModelError(string.Empty, root.TryGetProperty("detail", out var detail) ? detail.GetString() ?? status.ToString() : status.ToString());
            }
        }
        catch (JsonException)
        {
            ModelState.AddModelError(string.Empty, $"The Api answered {(int)status}.");
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            Rules = (await backend.RequestAsync<RuleListRequest, RuleList>(BackendSubjects.RulesList, new RuleListRequest(), cancellationToken)).Items;
        }
        catch (BackendException ex)
        {
            Error = "Rules could not be loaded: " + ex.Message;
        }
    }
}

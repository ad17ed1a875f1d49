using Fluo.Contracts.Backend;
using Fluo.Contracts.Rules;
using Fluo.Contracts.Messaging;
using Fluo.Contracts.Signals;
using Fluo.Nats;
using Fluo.Nats.JetStream;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fluo.Web.Pages;

/// <summary>Signals: a filtered page from the Backend, then a live feed; resolve / reopen through the Backend.</summary>
public sealed class SignalsModel(BackendClient backend, INatsJSContext js) : PageModel
{
    /// <summary>Filter: open or resolved.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary>Filter: severity.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Severity { get; set; }

    /// <summary>Filter: trace id.</summary>
    [BindProperty(SupportsGet = true)]
    public string? TraceId { get; set; }

    /// <summary>The signals shown.</summary>
    public IReadOnlyList<Signal> Items { get; private set; } = [];

    /// <summary>How many match.</summary>
    public long Total { get; private set; }

    /// <summary>The SIGNALS stream's last sequence before the list was read; the live feed replays what follows.</summary>
    public ulong? Since { get; private set; }

    /// <summary>Why the list is empty, when the Backend failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Loads the page.</summary>
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Error = TempData["error"] as string;
        var filter = new SignalFilter(
            string.IsNullOrWhiteSpace(TraceId) ? null : TraceId.Trim(),
            null,
            Status switch { "open" => SignalStatus.Open, "resolved" => SignalStatus.Resolved, _ => null },
            Enum.TryParse<Severity>(Severity, ignoreCase: true, out var severity) ? severity : null);
        try
        {
            // Read before the list: a signal announced in between is replayed (and updates its row, not a new one).
            Since = (await js.GetStreamAsync(FluoTopology.SignalsStream, cancellationToken)).State.LastSeq;
        }
        catch (Exception ex) when (ex is NatsException or TimeoutException)
        {
            // No position: the live feed starts from "now".
        }

        try
        {
            var page = await backend.RequestAsync<SignalQuery, SignalPage>(BackendSubjects.SignalsList, new SignalQuery(filter, 0, 100), cancellationToken);
            (Items, Total) = (page.Items, page.Total);
        }
        catch (BackendException ex)
        {
            Error = "Signals could not be loaded: " + ex.Message;
        }
    }

    /// <summary>Resolves or reopens a signal (form POST with antiforgery).</summary>
    public async Task<IActionResult> OnPostStatusAsync(Guid id, string status, CancellationToken cancellationToken)
    {
        var target = status == "open" ? SignalStatus.Open : SignalStatus.Resolved;
        try
        {
            await backend.RequestAsync<ResolveSignalRequest, Signal>(BackendSubjects.SignalsSetStatus, new ResolveSignalRequest(id, target, User.Identity!.Name!), cancellationToken);
        }
        catch (BackendException ex)
        {
            TempData["error"] = ex.Message;
        }

        return RedirectToPage(new { Status, Severity, TraceId });
    }
}

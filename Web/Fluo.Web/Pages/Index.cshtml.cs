using Fluo.Web.Live;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Fluo.Web.Pages;

/// <summary>The overview: counters rendered from the latest metrics sample, then kept live by the <c>metrics</c> channel.</summary>
public sealed class IndexModel(LiveFeed feed) : PageModel
{
    /// <summary>The latest sample, if any yet.</summary>
    public MetricsSample? Sample { get; private set; }

    /// <summary>Renders.</summary>
    public void OnGet() => Sample = feed.Latest;
}

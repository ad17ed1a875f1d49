using System.Globalization;
using System.Text;
using Fluo.Hosting.ApplicationModel;

namespace Fluo.Hosting.Orchestration;

/// <summary>The table printed once everything has started: one line per resource with its state and URL(s).</summary>
internal static class StartupTable
{
    public static string Render(IEnumerable<ResourceSnapshot> snapshots, IReadOnlyList<IResource> order, TimeSpan elapsed)
    {
        var rows = snapshots
            .OrderBy(s => order.ToList().FindIndex(r => r.Name == s.Name))
            .Select(s => (s.Name, State: s.State == ResourceState.Healthy ? "running" : s.State.ToString().ToLowerInvariant(),
                Urls: s.Urls.Count > 0 ? string.Join(' ', s.Urls) : "-", s.Error))
            .ToList();
        var nameWidth = Math.Max(8, rows.Count > 0 ? rows.Max(r => r.Name.Length) : 0) + 2;
        var stateWidth = Math.Max(7, rows.Count > 0 ? rows.Max(r => r.State.Length) : 0) + 2;
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"resource".PadRight(nameWidth)}{"state".PadRight(stateWidth)}url");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Name.PadRight(nameWidth)}{row.State.PadRight(stateWidth)}{row.Urls}");
            if (row.Error is { } error)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{"".PadRight(nameWidth)}{error.Split('\n')[0]}");
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"started in {elapsed.TotalSeconds:0.0}s; press Ctrl+C to stop");
        return text.ToString();
    }
}

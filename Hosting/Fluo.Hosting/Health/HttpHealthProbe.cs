namespace Fluo.Hosting.Health;

/// <summary>GETs a project's health path: 2xx is healthy (or degraded when the body says <c>Degraded</c>, as ASP.NET Core's health checks answer).</summary>
internal static class HttpHealthProbe
{
    private const int MaxBodyChars = 200;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Returns null when healthy (or degraded), else what went wrong.</summary>
    public static async Task<string?> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        var (status, description) = await CheckAsync(url, cancellationToken).ConfigureAwait(false);
        return status == HealthStatus.Unhealthy ? description : null;
    }

    /// <summary>Probes <paramref name="url"/> once; the description carries the status code and the start of the body.</summary>
    public static async Task<(HealthStatus Status, string Description)> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
            body = body.Length > MaxBodyChars ? body[..MaxBodyChars] + "…" : body;
            var answer = $"{url} answered {(int)response.StatusCode}{(body.Length > 0 ? $": {body}" : string.Empty)}";
            return !response.IsSuccessStatusCode ? (HealthStatus.Unhealthy, answer)
                : body.Equals(nameof(HealthStatus.Degraded), StringComparison.OrdinalIgnoreCase) ? (HealthStatus.Degraded, answer)
                : (HealthStatus.Healthy, answer);
        }
        catch (HttpRequestException e)
        {
            return (HealthStatus.Unhealthy, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (HealthStatus.Unhealthy, $"{url} did not answer within 2s");
        }
    }
}

namespace Fluo.Hosting.Health;

/// <summary>GETs a project's health path; healthy on 2xx.</summary>
internal static class HttpHealthProbe
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Returns null when healthy, else what went wrong.</summary>
    public static async Task<string?> ProbeAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"{url} answered {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{url} did not answer within 2s";
        }
    }
}

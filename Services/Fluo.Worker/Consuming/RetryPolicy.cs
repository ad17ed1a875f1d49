namespace Fluo.Worker.Consuming;

/// <summary>Exponential back-off for naked jobs: the base delay doubled per earlier delivery, capped.</summary>
internal static class RetryPolicy
{
    /// <summary>The delay before delivery <paramref name="attempt"/> + 1.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var ticks = baseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }
}

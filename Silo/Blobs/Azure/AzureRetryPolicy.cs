namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>
/// How transient failures (connection refused or reset, timeouts, 408, 429, 500, 502, 503, 504) are retried:
/// up to <see cref="MaxAttempts"/> attempts, waiting <see cref="FirstDelay"/> before the second and doubling
/// up to <see cref="MaxDelay"/>, with up to 20% jitter. The default rides out about 35 s of outage, enough for
/// an Azurite restart. Conditional failures (409, 412) are answers, never retried.
/// </summary>
public sealed record AzureRetryPolicy(int MaxAttempts, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    public static AzureRetryPolicy Default { get; } = new(12, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    /// <summary>The wait before attempt <paramref name="attempt"/> (2, 3, …).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        var doubled = FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 2));
        var capped = Math.Min(doubled, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (0.2 * Random.Shared.NextDouble())));
    }
}

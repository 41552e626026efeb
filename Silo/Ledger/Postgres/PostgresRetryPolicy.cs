using System.Diagnostics;
using Polly;
using Polly.Retry;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// How long the PostgreSQL ledger keeps trying an operation that failed transiently: exponential backoff
/// from <see cref="FirstDelay"/> doubling up to <see cref="MaxDelay"/>, with jitter (so silos that lost the
/// database together do not come back in step), until <see cref="Budget"/> has passed since the first
/// attempt; then the last error is reported. The default (0.1 s … 5 s, 60 s in all) outlasts a database restart.
/// </summary>
public sealed record PostgresRetryPolicy(TimeSpan Budget, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    public static PostgresRetryPolicy Default { get; } = new(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    private static readonly ResiliencePropertyKey<long> StartedAt = new("sweeps.ledger.started");

    /// <summary>
    /// A pipeline that retries while <paramref name="retry"/> says so and the budget lasts, calling
    /// <paramref name="onRetry"/> before each wait. Start each execution with <see cref="StartContext"/>.
    /// Delays run on the system clock: the ledger's clock may be a test's manual one that never moves.
    /// </summary>
    internal ResiliencePipeline Build(Func<Exception, bool> retry, Action<Exception> onRetry) =>
        new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } e && retry(e) && Elapsed(args.Context) < Budget),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = FirstDelay,
            MaxDelay = MaxDelay,
            OnRetry = args =>
            {
                if (args.Outcome.Exception is { } e) onRetry(e);
                return default;
            },
        }).Build();

    /// <summary>A pooled context for one operation, stamped with its start (return it to the pool after).</summary>
    internal static ResilienceContext StartContext(CancellationToken cancel)
    {
        var context = ResilienceContextPool.Shared.Get(cancel);
        context.Properties.Set(StartedAt, Stopwatch.GetTimestamp());
        return context;
    }

    /// <summary>Time since the operation's first attempt.</summary>
    internal static TimeSpan Elapsed(ResilienceContext context) =>
        Stopwatch.GetElapsedTime(context.Properties.GetValue(StartedAt, Stopwatch.GetTimestamp()));
}

using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>How the store opens its container, moves large blobs and retries, as the SDK's options.</summary>
public sealed record AzureBlobStoreOptions
{
    /// <summary>
    /// For verbs that only read: never create the container, and give up on an unreachable endpoint after 3
    /// attempts (about 0.6 s) so a wrong address answers at once.
    /// </summary>
    public static AzureBlobStoreOptions ForReading { get; } = new() { CreateContainer = false, MaxRetries = 2, MaxRetryDelay = TimeSpan.FromSeconds(1) };

    /// <summary>Create the container when it is missing (default true; never with a SAS URL, which cannot); when false, a missing container is an error at open.</summary>
    public bool CreateContainer { get; init; } = true;

    /// <summary>Content up to this size (default 4 MiB) goes up in one Put Blob; larger content in blocks of this size.</summary>
    public int BlockSize { get; init; } = 4 << 20;

    /// <summary>At most this many blocks of one put in flight at once (default 4).</summary>
    public int MaxParallelBlocks { get; init; } = 4;

    /// <summary>
    /// Retries of a transient failure (connection refused or reset, timeout, 408, 429, 500, 502, 503, 504) after
    /// the first attempt (default 11). With the delays below the retries span <see cref="RetryBudget"/>, about
    /// 36 s, which rides out an Azurite or network restart. Conditional failures (409, 412) are answers, never retried.
    /// </summary>
    public int MaxRetries { get; init; } = 11;

    /// <summary>The wait before the first retry (default 0.2 s), doubled for each next one up to <see cref="MaxRetryDelay"/>; the SDK adds ±20% jitter.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two attempts (default 5 s).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>One attempt taking longer than this (default 60 s) is abandoned and retried.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Replaces the HTTP handler under the SDK's pipeline (tests: lose a response, count requests).</summary>
    internal HttpMessageHandler? Handler { get; init; }

    /// <summary>The total of the waits between attempts, jitter aside: how long an outage the store outlasts.</summary>
    public TimeSpan RetryBudget
    {
        get
        {
            var (total, delay) = (TimeSpan.Zero, FirstRetryDelay);
            for (var retry = 0; retry < MaxRetries; retry++, delay *= 2) total += delay < MaxRetryDelay ? delay : MaxRetryDelay;
            return total;
        }
    }

    internal StorageTransferOptions Transfer => new()
    {
        InitialTransferSize = BlockSize,
        MaximumTransferSize = BlockSize,
        MaximumConcurrency = MaxParallelBlocks,
    };

    internal BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = FirstRetryDelay;
        options.Retry.MaxDelay = MaxRetryDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        // Nothing of a request is ever logged (its URL may carry a SAS); InstrumentedBlobStore times the calls.
        options.Diagnostics.IsLoggingEnabled = false;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        if (Handler is not null) options.Transport = new HttpClientTransport(Handler);
        return options;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 100 << 20, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelBlocks, 1, nameof(MaxParallelBlocks));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
    }
}

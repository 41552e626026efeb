namespace OrleansSweeps.Silo.Blobs.Azure;

/// <summary>Which container holds the store's blobs and how requests are made.</summary>
public sealed record AzureBlobStoreOptions
{
    public const string DefaultContainer = "sweeps";

    /// <summary>3 to 63 lower-case letters, digits and single hyphens, starting with a letter or digit (Azure's rule).</summary>
    public string Container { get; init; } = DefaultContainer;

    /// <summary>Create the container when it is missing; when false, a missing container is an error at open.</summary>
    public bool CreateContainer { get; init; } = true;

    /// <summary>Content up to this size goes in one Put Blob; larger content in blocks (Put Block, Put Block List).</summary>
    public int SingleUploadLimit { get; init; } = 4 << 20;

    public int BlockSize { get; init; } = 4 << 20;

    /// <summary>At most this many Put Block requests of one put in flight at once.</summary>
    public int MaxParallelBlocks { get; init; } = 4;

    public AzureRetryPolicy Retry { get; init; } = AzureRetryPolicy.Default;

    /// <summary>One attempt (request and response body) taking longer than this is abandoned and retried.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (Container.Length is < 3 or > 63 || !Container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || Container.StartsWith('-') || Container.EndsWith('-') || Container.Contains("--", StringComparison.Ordinal))
            throw new ArgumentException($"container '{Container}': 3 to 63 lower-case letters, digits and single hyphens, not at either end", nameof(Container));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 100 << 20, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SingleUploadLimit, 100 << 20, nameof(SingleUploadLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelBlocks, 1, nameof(MaxParallelBlocks));
        ArgumentOutOfRangeException.ThrowIfLessThan(Retry.MaxAttempts, 1, nameof(Retry));
    }
}

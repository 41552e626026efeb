using System.Diagnostics;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>
/// An <see cref="IBlobStore"/> that records each call's duration and bytes in <see cref="SweepsTelemetry"/>
/// and otherwise forwards it unchanged. The blob kind tag is the key's last segment type (checkpoint,
/// moments, curves, …) so a dashboard can tell checkpoint I/O from the rest without key cardinality.
/// </summary>
public sealed class InstrumentedBlobStore(IBlobStore inner) : IBlobStore
{
    public IBlobStore Inner { get; } = inner;

    /// <summary><paramref name="blobs"/> instrumented (as is when it already is).</summary>
    public static IBlobStore Wrap(IBlobStore blobs) => blobs as InstrumentedBlobStore ?? new InstrumentedBlobStore(blobs);

    public async Task<string?> PutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition = default, CancellationToken cancel = default)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await Inner.PutAsync(key, content, condition, cancel).ConfigureAwait(false);
        }
        finally
        {
            Record("put", key, start, content.Length);
        }
    }

    public async Task<Blob?> GetAsync(string key, CancellationToken cancel = default)
    {
        var start = Stopwatch.GetTimestamp();
        Blob? blob = null;
        try
        {
            return blob = await Inner.GetAsync(key, cancel).ConfigureAwait(false);
        }
        finally
        {
            Record("get", key, start, blob?.Content.Length ?? 0);
        }
    }

    public async Task<byte[]?> GetRangeAsync(string key, long offset, int length, CancellationToken cancel = default)
    {
        var start = Stopwatch.GetTimestamp();
        byte[]? bytes = null;
        try
        {
            return bytes = await Inner.GetRangeAsync(key, offset, length, cancel).ConfigureAwait(false);
        }
        finally
        {
            Record("get_range", key, start, bytes?.Length ?? 0);
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancel = default) =>
        Timed("exists", key, () => Inner.ExistsAsync(key, cancel));

    public Task<BlobPage> ListAsync(string prefix, int pageSize, string? continuation = null, CancellationToken cancel = default) =>
        Timed("list", prefix, () => Inner.ListAsync(prefix, pageSize, continuation, cancel));

    public Task<bool> DeleteAsync(string key, string? ifMatch = null, CancellationToken cancel = default) =>
        Timed("delete", key, () => Inner.DeleteAsync(key, ifMatch, cancel));

    private static async Task<T> Timed<T>(string operation, string key, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            Record(operation, key, start, 0);
        }
    }

    private static void Record(string operation, string key, long start, long bytes)
    {
        var tags = new TagList { { "sweeps.blob.operation", operation }, { "sweeps.blob.kind", BlobKeys.KindOf(key) } };
        SweepsTelemetry.BlobDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, tags);
        if (bytes > 0) SweepsTelemetry.BlobBytes.Add(bytes, tags);
    }
}

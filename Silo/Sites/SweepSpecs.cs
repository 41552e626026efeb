using System.Collections.Concurrent;
using System.Text;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Silo.Sites;

/// <summary>The submitted specs (<c>sweeps/{id}/spec.yaml</c>), read once per silo: a stored spec never changes.</summary>
public sealed class SweepSpecs(IBlobStore blobs)
{
    private readonly ConcurrentDictionary<string, Task<SweepSpec>> _specs = new();

    public Task<SweepSpec> GetAsync(string sweep)
    {
        var loading = _specs.GetOrAdd(sweep, Load);
        // A failed read (store down, unknown sweep) is not kept: the next call reads again.
        if (loading.IsFaulted) _specs.TryRemove(new(sweep, loading));
        return loading;
    }

    private async Task<SweepSpec> Load(string sweep)
    {
        var blob = await blobs.GetAsync(BlobKeys.Spec(sweep)).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"unknown sweep '{sweep}': no spec at '{BlobKeys.Spec(sweep)}'");
        return SpecLoader.Parse(Encoding.UTF8.GetString(blob.Content), $"sweep '{sweep}' spec.yaml");
    }
}

using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>The blob store contract on the filesystem adapter, plus what only files can show.</summary>
public sealed class FileBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly TempDirectory _home = new();

    protected override IBlobStore CreateStore() => FileBlobStore.OpenInHome(_home.Path);

    [Fact]
    public async Task A_key_is_a_file_under_the_blobs_directory_and_no_temp_file_stays()
    {
        await Store.PutAsync("sweeps/s/spec.yaml", Bytes("a"));
        await Store.PutAsync("sweeps/s/spec.yaml", Bytes("b"), BlobCondition.Matching((await Store.GetAsync("sweeps/s/spec.yaml"))!.ETag));
        await Store.PutAsync("sweeps/s/once", Bytes("c"), BlobCondition.CreateOnly);
        await Store.PutAsync("sweeps/s/once", Bytes("d"), BlobCondition.CreateOnly);

        Assert.Equal(["blobs/sweeps/s/once", "blobs/sweeps/s/spec.yaml"], _home.Files());
        Assert.Equal("b", File.ReadAllText(_home.Combine("blobs", "sweeps", "s", "spec.yaml")));
    }

    [Fact]
    public async Task A_temp_file_left_by_a_crashed_writer_is_not_a_blob()
    {
        await Store.PutAsync("sweeps/s/spec.yaml", Bytes("a"));
        File.WriteAllText(_home.Combine("blobs", "sweeps", "s", "spec.yaml.123.abc.tmp"), "torn");

        Assert.Equal(["sweeps/s/spec.yaml"], (await Store.ListAsync("sweeps/", 10)).Items.Select(i => i.Key));
    }

    public void Dispose() => _home.Dispose();
}

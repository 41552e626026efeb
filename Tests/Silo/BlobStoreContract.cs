using System.Text;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// What every <see cref="IBlobStore"/> adapter must do, written once: the filesystem store runs it here,
/// the Azure Blob adapter in AzureBlobStoreTests (on Azurite). Each test gets a fresh, empty store.
/// </summary>
public abstract partial class BlobStoreContract
{
    private IBlobStore? _store;

    protected abstract IBlobStore CreateStore();

    protected IBlobStore Store => _store ??= CreateStore();

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Put_then_get_round_trips_content_and_etag()
    {
        var etag = await Store.PutAsync("sweeps/s/spec.yaml", Bytes("name: s"));

        var blob = await Store.GetAsync("sweeps/s/spec.yaml");
        Assert.Equal(Bytes("name: s"), blob!.Content);
        Assert.Equal(etag, blob.ETag);
        Assert.True(await Store.ExistsAsync("sweeps/s/spec.yaml"));

        var changed = await Store.PutAsync("sweeps/s/spec.yaml", Bytes("name: t"));
        Assert.NotEqual(etag, changed);
        Assert.Equal(Bytes("name: t"), (await Store.GetAsync("sweeps/s/spec.yaml"))!.Content);
    }

    [Fact]
    public async Task A_missing_blob_is_null_and_absent()
    {
        Assert.Null(await Store.GetAsync("sweeps/none/spec.yaml"));
        Assert.Null(await Store.GetRangeAsync("sweeps/none/spec.yaml", 0, 4));
        Assert.False(await Store.ExistsAsync("sweeps/none/spec.yaml"));
        Assert.False(await Store.DeleteAsync("sweeps/none/spec.yaml"));
        Assert.Empty((await Store.ListAsync("sweeps/none/", 10)).Items);
    }

    [Fact]
    public async Task Ranges_read_part_of_a_blob_and_stop_at_its_end()
    {
        await Store.PutAsync("k/data", Bytes("0123456789"));

        Assert.Equal(Bytes("345"), await Store.GetRangeAsync("k/data", 3, 3));
        Assert.Equal(Bytes("89"), await Store.GetRangeAsync("k/data", 8, 100));
        Assert.Empty((await Store.GetRangeAsync("k/data", 10, 5))!);
        Assert.Empty((await Store.GetRangeAsync("k/data", 50, 5))!);
    }

    [Fact]
    public async Task Delete_removes_and_honours_if_match()
    {
        var etag = await Store.PutAsync("k/a", Bytes("a"));

        Assert.False(await Store.DeleteAsync("k/a", ifMatch: "not-the-etag"));
        Assert.True(await Store.ExistsAsync("k/a"));
        Assert.True(await Store.DeleteAsync("k/a", ifMatch: etag));
        Assert.False(await Store.ExistsAsync("k/a"));
    }

    [Fact]
    public async Task Listing_is_ordered_by_key_and_paged()
    {
        var run = new RunId("s", 1, 2);
        var keys = new[] { 300, 20, 1, 4000, 50, 6, 7 }.Select(step => BlobKeys.Checkpoint(run, step)).ToArray();
        foreach (var key in keys) await Store.PutAsync(key, Bytes(key));
        await Store.PutAsync(BlobKeys.Checkpoint(run with { Replicate = 3 }, 1), Bytes("another run"));
        await Store.PutAsync("sweeps/s/runs/p0001-not-a-point", Bytes("a sibling with a common prefix"));

        var seen = new List<BlobItem>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var page = await Store.ListAsync(BlobKeys.Run(run), 3, continuation);
            Assert.InRange(page.Items.Count, 1, 3);
            seen.AddRange(page.Items);
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(3, pages);
        Assert.Equal(keys.Order(StringComparer.Ordinal), seen.Select(i => i.Key));
        Assert.Equal(keys.Select(k => (long)Bytes(k).Length).Order(), seen.Select(i => i.Length).Order());
        Assert.Equal(2, (await Store.ListAsync("sweeps/s/runs/p0001", 10)).Items.Count(i => !i.Key.Contains("/r002/")));
    }

    [Fact]
    public async Task Create_only_put_conflicts_when_the_blob_exists()
    {
        var etag = await Store.PutAsync("k/once", Bytes("first"), BlobCondition.CreateOnly);

        Assert.NotNull(etag);
        Assert.Null(await Store.PutAsync("k/once", Bytes("second"), BlobCondition.CreateOnly));
        Assert.Equal(Bytes("first"), (await Store.GetAsync("k/once"))!.Content);
    }

    [Fact]
    public async Task If_match_put_conflicts_when_the_etag_moved_on()
    {
        var first = (await Store.PutAsync("k/v", Bytes("v1")))!;
        var second = await Store.PutAsync("k/v", Bytes("v2"), BlobCondition.Matching(first));

        Assert.NotNull(second);
        Assert.Null(await Store.PutAsync("k/v", Bytes("v3"), BlobCondition.Matching(first)));
        Assert.Null(await Store.PutAsync("k/missing", Bytes("v1"), BlobCondition.Matching(first)));
        Assert.Equal(Bytes("v2"), (await Store.GetAsync("k/v"))!.Content);
        Assert.False(await Store.ExistsAsync("k/missing"));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("sweeps/../../outside")]
    [InlineData("sweeps/./spec.yaml")]
    [InlineData("/etc/passwd")]
    [InlineData("sweeps//spec.yaml")]
    [InlineData("sweeps\\spec.yaml")]
    [InlineData("")]
    [InlineData("sweeps/s/spec.yaml.tmp")]
    public async Task Keys_that_could_escape_the_root_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, Bytes("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key));
    }
}

using System.Security.Cryptography;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The blob store contract on the Azure Blob adapter against a real Azurite (one per class, a fresh
/// container per test) through the Azure SDK with the account key, plus what only Azure shows: blocks for large
/// blobs. <see cref="AzureBlobStoreSasTests"/> runs the same contract with a SAS.
/// </summary>
public sealed class AzureBlobStoreTests(AzuriteServer azurite) : BlobStoreContract, IClassFixture<AzuriteServer>, IDisposable
{
    private readonly RecordingHandler _http = new();

    protected override IBlobStore CreateStore() =>
        AzureBlobStore.OpenAsync(azurite.Access(FreshContainer()), new AzureBlobStoreOptions { Handler = _http }).GetAwaiter().GetResult();

    internal static string FreshContainer() => "t" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task A_9_MiB_blob_goes_up_in_blocks_and_round_trips()
    {
        var content = RandomNumberGenerator.GetBytes(9 << 20);

        var etag = await Store.PutAsync("sweeps/s/big.bin", content, BlobCondition.CreateOnly);

        Assert.Equal(3, _http.Count("PUT", "comp=block&"));
        Assert.Equal(1, _http.Count("PUT", "comp=blocklist"));
        var blob = (await Store.GetAsync("sweeps/s/big.bin"))!;
        Assert.Equal(etag, blob.ETag);
        Assert.True(content.AsSpan().SequenceEqual(blob.Content), "the 9 MiB blob came back different");
        Assert.Equal([new BlobItem("sweeps/s/big.bin", 9 << 20)], (await Store.ListAsync("sweeps/s/", 10)).Items);
        Assert.Null(await Store.PutAsync("sweeps/s/big.bin", content, BlobCondition.CreateOnly));
    }

    [Fact]
    public async Task A_blob_of_exactly_one_block_goes_up_in_one_request()
    {
        await Store.PutAsync("sweeps/s/vector.bin", new byte[4 << 20]);

        Assert.Equal(1, _http.Count("PUT", "/sweeps/s/vector.bin"));
        Assert.Equal(4 << 20, (await Store.GetAsync("sweeps/s/vector.bin"))!.Content.Length);
    }

    [Theory]
    [InlineData((4 << 20) - 10, 20)] // across the first block boundary
    [InlineData((4 << 20) - 1, (4 << 20) + 2)] // spans all of the second block and into the third
    [InlineData((9 << 20) - 5, 100)] // stops at the end
    public async Task Ranges_of_a_large_blob_cross_block_boundaries(long offset, int length)
    {
        var content = RandomNumberGenerator.GetBytes(9 << 20);
        await Store.PutAsync("k/big", content);

        var range = (await Store.GetRangeAsync("k/big", offset, length))!;

        Assert.True(content.AsSpan((int)offset, (int)Math.Min(length, content.Length - offset)).SequenceEqual(range), $"bytes {offset}+{length} differ");
    }

    [Fact]
    public async Task A_large_put_conditioned_on_an_old_etag_conflicts_and_leaves_the_blob()
    {
        var first = (await Store.PutAsync("k/big", new byte[5 << 20]))!;
        await Store.PutAsync("k/big", new byte[6 << 20], BlobCondition.Matching(first));

        Assert.Null(await Store.PutAsync("k/big", new byte[7 << 20], BlobCondition.Matching(first)));
        Assert.Equal(6 << 20, (await Store.GetAsync("k/big"))!.Content.Length);
    }

    [Fact]
    public async Task Keys_with_spaces_reserved_and_non_ascii_characters_are_signed_and_listed_as_given()
    {
        string[] keys = ["k/a b+c", "k/é=ü&?#", "k/100%;x", "k/点"];
        foreach (var key in keys) await Store.PutAsync(key, Bytes(key), BlobCondition.CreateOnly);

        foreach (var key in keys) Assert.Equal(Bytes(key), (await Store.GetAsync(key))!.Content);
        Assert.Equal(keys.Order(StringComparer.Ordinal), (await Store.ListAsync("k/", 10)).Items.Select(i => i.Key));
        Assert.True(await Store.DeleteAsync(keys[1]));
    }

    public void Dispose() => _http.Dispose();
}

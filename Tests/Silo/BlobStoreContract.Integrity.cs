using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Blobs;

namespace OrleansSweeps.Tests.Silo;

/// <summary>Binary blobs are checked on read; a put is never seen half done.</summary>
public abstract partial class BlobStoreContract
{
    private static readonly string MomentsKey = BlobKeys.Moments(new RunId("s", 0, 1), 100, 100);

    [Fact]
    public async Task A_binary_blob_round_trips_through_its_envelope()
    {
        byte[] payload = [1, 2, 3, 4, 5, 6, 7, 8];
        await Store.PutEnvelopeAsync(MomentsKey, "moments", "float32", [2], payload);

        var (header, read) = (await Store.GetEnvelopeAsync(MomentsKey, "moments"))!.Value;

        Assert.Equal(payload, read);
        Assert.Equal([2L], header.Shape);
        Assert.Null(await Store.GetEnvelopeAsync(BlobKeys.Moments(new RunId("s", 0, 1), 200, 200), "moments"));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public async Task A_corrupt_binary_blob_is_detected_on_read(string damage)
    {
        await Store.PutEnvelopeAsync(MomentsKey, "moments", "float32", [4], new byte[16]);
        var bytes = (await Store.GetAsync(MomentsKey))!.Content;
        if (damage == "flip") bytes[^40] ^= 0x10;
        else bytes = bytes[..^5];
        await Store.PutAsync(MomentsKey, bytes);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetEnvelopeAsync(MomentsKey, "moments"));
        Assert.Contains(MomentsKey, error.Message);
    }

    [Fact]
    public async Task Readers_never_see_a_partly_written_blob()
    {
        const int Size = 1 << 20;
        byte[][] versions = [Enumerable.Repeat((byte)1, Size).ToArray(), Enumerable.Repeat((byte)2, Size).ToArray()];
        await Store.PutAsync("k/big", versions[0]);
        using var done = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++) await Store.PutAsync("k/big", versions[i % 2]);
            done.Cancel();
        });
        var reads = 0;
        while (!done.IsCancellationRequested)
        {
            var blob = (await Store.GetAsync("k/big"))!;
            Assert.Equal(Size, blob.Content.Length);
            Assert.True(blob.Content.All(b => b == blob.Content[0]), "a read mixed two versions of the blob");
            reads++;
        }
        await writer;
        Assert.True(reads > 0);
    }
}

namespace OrleansSweeps.Tests.Silo;

/// <summary>Lease Blob on the Azure adapter (extra API, not in the port).</summary>
public sealed partial class AzureBlobStoreTests
{
    [Fact]
    public async Task A_lease_excludes_a_second_holder_until_released()
    {
        await Store.PutAsync("k/locked", Bytes("v1"));

        var lease = await Azure.AcquireLeaseAsync("k/locked", TimeSpan.FromSeconds(15));
        Assert.NotNull(lease);
        Assert.Null(await Azure.AcquireLeaseAsync("k/locked", TimeSpan.FromSeconds(15)));
        Assert.True(await Azure.RenewLeaseAsync("k/locked", lease));
        Assert.False(await Azure.RenewLeaseAsync("k/locked", Guid.NewGuid().ToString()));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.PutAsync("k/locked", Bytes("v2")));
        Assert.Contains("leased", refused.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.DeleteAsync("k/locked"));

        Assert.True(await Azure.ReleaseLeaseAsync("k/locked", lease));
        Assert.False(await Azure.ReleaseLeaseAsync("k/locked", lease));
        var next = await Azure.AcquireLeaseAsync("k/locked", null);
        Assert.NotNull(next);
        Assert.True(await Azure.ReleaseLeaseAsync("k/locked", next));
        Assert.NotNull(await Store.PutAsync("k/locked", Bytes("v2")));
    }

    [Fact]
    public async Task A_lease_on_a_missing_blob_is_an_error_naming_it()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Azure.AcquireLeaseAsync("k/none", null));
        Assert.Contains("'k/none'", error.Message);
    }
}

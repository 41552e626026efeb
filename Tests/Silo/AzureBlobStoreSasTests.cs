using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>The blob store contract through a container SAS URL (the third credential), on Azurite.</summary>
public sealed class AzureBlobStoreSasTests(AzuriteServer azurite) : BlobStoreContract, IClassFixture<AzuriteServer>
{
    protected override IBlobStore CreateStore()
    {
        var url = AzureBlobUrl.Parse(azurite.SasUrl(AzureBlobStoreTests.FreshContainer(), DateTimeOffset.UtcNow.AddHours(1)).AbsoluteUri);
        return AzureBlobStore.OpenAsync(AzureBlobAccess.FromSasUrl(url)).GetAwaiter().GetResult();
    }
}

using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The blob store contract through a container URL signed in with Microsoft Entra tokens (the second credential),
/// on Azurite serving https with OAuth; and a token for another audience refused in one line.
/// </summary>
public sealed class AzureBlobStoreEntraTests(AzureBlobStoreEntraTests.Server azurite) : BlobStoreContract, IClassFixture<AzureBlobStoreEntraTests.Server>, IDisposable
{
    private readonly HttpMessageHandler _https = AzuriteServer.TrustingHandler();
    private readonly UnsignedEntraToken _token = new();

    protected override IBlobStore CreateStore() =>
        AzureBlobStore.OpenAsync(azurite.Azurite.EntraAccess(AzureBlobStoreTests.FreshContainer(), _token), new AzureBlobStoreOptions { Handler = _https }).GetAwaiter().GetResult();

    [Fact]
    public async Task The_store_sends_the_credentials_token()
    {
        await Store.PutAsync("k/a", Bytes("a"));

        Assert.True(_token.Requests >= 1, "the token credential was never asked");
        Assert.Equal(AzureBlobCredential.AzureIdentity, ((AzureBlobStore)Store).Access.Credential);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused_in_one_line()
    {
        var access = azurite.Azurite.EntraAccess(AzureBlobStoreTests.FreshContainer(), new UnsignedEntraToken("https://vault.azure.net"));

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(access, new AzureBlobStoreOptions { Handler = _https }));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains($"account '{AzuriteServer.DevelopmentAccount}' at https://127.0.0.1:{azurite.Azurite.Port}/", error.Message);
        Assert.Contains("authentication failed (403 AuthenticationFailed); the identity's token was refused", error.Message);
    }

    public void Dispose() => _https.Dispose();

    /// <summary>One Azurite with https and OAuth for the class.</summary>
    public sealed class Server : IDisposable
    {
        public AzuriteServer Azurite { get; } = AzuriteServer.WithEntra();

        public void Dispose() => Azurite.Dispose();
    }
}

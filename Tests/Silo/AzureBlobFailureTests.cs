using System.Net.Sockets;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The Azure adapter against a real Azurite that goes away, answers for the wrong key or an expired SAS, lacks
/// the container, or whose answer is lost: transient failures are survived, the rest is one clear line naming
/// account, endpoint and container, without the key or the signature.
/// </summary>
public sealed class AzureBlobFailureTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    private static readonly AzureBlobStoreOptions Quick = new() { MaxRetries = 2, FirstRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task A_put_begun_while_Azurite_is_down_succeeds_once_when_it_is_back()
    {
        using var server = new AzuriteServer();
        var store = await AzureBlobStore.OpenAsync(server.Access(AzureBlobStoreTests.FreshContainer()));
        await store.PutAsync("sweeps/s/before", new byte[] { 1 });
        server.Stop();

        var put = store.PutAsync("sweeps/s/spec.yaml", "name: s"u8.ToArray(), BlobCondition.CreateOnly);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(put.IsCompleted, "the put should be waiting for Azurite, not done");
        server.Start();
        var etag = await put.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotNull(etag);
        Assert.Equal(etag, (await store.GetAsync("sweeps/s/spec.yaml"))!.ETag);
        Assert.Null(await store.PutAsync("sweeps/s/spec.yaml", "name: t"u8.ToArray(), BlobCondition.CreateOnly));
        Assert.Equal(["sweeps/s/before", "sweeps/s/spec.yaml"], (await store.ListAsync("sweeps/s/", 10)).Items.Select(i => i.Key));
    }

    [Fact]
    public void The_default_retries_span_more_than_half_a_minute()
    {
        Assert.InRange(new AzureBlobStoreOptions().RetryBudget, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromMilliseconds(150), Quick.RetryBudget);
    }

    [Theory]
    [InlineData("create-only", true)]
    [InlineData("if-match", true)]
    [InlineData("create-only", false)]
    public async Task A_conditional_put_whose_answer_was_lost_knows_its_own_write_on_replay(string condition, bool ours)
    {
        using var http = new RecordingHandler();
        var store = await AzureBlobStore.OpenAsync(azurite.Access(AzureBlobStoreTests.FreshContainer()), new AzureBlobStoreOptions { Handler = http });
        var first = ours ? null : await store.PutAsync("k/v", "theirs"u8.ToArray());
        if (condition == "if-match") first = await store.PutAsync("k/v", "v1"u8.ToArray());
        http.Requests.Clear();
        http.LoseResponseOf = request => request.Method == HttpMethod.Put;

        var etag = await store.PutAsync("k/v", "ours"u8.ToArray(), condition == "if-match" ? BlobCondition.Matching(first!) : BlobCondition.CreateOnly);

        Assert.Equal(2, http.Count("PUT", "/k/v"));
        var blob = (await store.GetAsync("k/v"))!;
        Assert.Equal(ours ? "ours" : "theirs", System.Text.Encoding.UTF8.GetString(blob.Content));
        Assert.Equal(ours ? blob.ETag : null, etag);
    }

    [Fact]
    public async Task A_wrong_key_is_one_line_naming_account_endpoint_and_container_without_the_key()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var access = AzureBlobAccess.FromConnectionString(azurite.ConnectionString.Replace(AzuriteServer.DevelopmentKey, wrongKey, StringComparison.Ordinal), "sweeps");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(access));

        AssertOneClearLine(error, "authentication failed (403", "container 'sweeps'", wrongKey);
        Assert.DoesNotContain("attempts", error.Message); // refused, not retried
    }

    [Fact]
    public async Task A_wrong_port_is_one_line_naming_the_endpoint_after_the_retries()
    {
        var port = UnusedPort();
        var access = AzureBlobAccess.FromConnectionString(azurite.ConnectionString.Replace($":{azurite.Port}/", $":{port}/", StringComparison.Ordinal), "sweeps");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(access, Quick));

        AssertOneClearLine(error, "Connection refused", $"127.0.0.1:{port}", AzuriteServer.DevelopmentKey);
        Assert.Contains("after 3 attempts", error.Message);
    }

    [Fact]
    public async Task A_missing_container_is_one_line_when_creating_it_is_turned_off()
    {
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            AzureBlobStore.OpenAsync(azurite.Access("no-such-container"), new AzureBlobStoreOptions { CreateContainer = false }));

        AssertOneClearLine(error, "does not exist", "container 'no-such-container'", AzuriteServer.DevelopmentKey);
    }

    [Fact]
    public async Task An_expired_sas_is_one_line_saying_when_it_expired_without_the_signature()
    {
        var expired = DateTimeOffset.UtcNow.AddMinutes(-5);
        var url = azurite.SasUrl(AzureBlobStoreTests.FreshContainer(), expired);
        var signature = Uri.UnescapeDataString(System.Web.HttpUtility.ParseQueryString(url.Query)["sig"]!);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(AzureBlobAccess.FromSasUrl(AzureBlobUrl.Parse(url.AbsoluteUri))));

        AssertOneClearLine(error, $"the SAS expired at {expired.UtcDateTime:yyyy-MM-dd HH:mm}", "authentication failed (403", signature);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), error.Message);
        Assert.DoesNotContain("sig=", error.Message);
    }

    [Fact]
    public async Task A_sas_url_of_a_missing_container_says_a_sas_cannot_create_it()
    {
        var url = azurite.SasUrl("never-created", DateTimeOffset.UtcNow.AddHours(1), create: false);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(AzureBlobAccess.FromSasUrl(AzureBlobUrl.Parse(url.AbsoluteUri))));

        AssertOneClearLine(error, "does not exist (a SAS URL cannot create it)", "container 'never-created'", "sig=");
    }

    private static void AssertOneClearLine(Exception error, string problem, string where, string secret)
    {
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains(where, error.Message);
        Assert.Contains($"account '{AzuriteServer.DevelopmentAccount}' at http://127.0.0.1:", error.Message);
        Assert.Contains("container '", error.Message);
        Assert.DoesNotContain(secret, error.Message);
        Assert.DoesNotContain(secret[..Math.Min(16, secret.Length)], error.Message);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

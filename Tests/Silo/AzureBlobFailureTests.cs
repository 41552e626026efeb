using System.Net.Sockets;
using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Blobs.Azure;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The Azure adapter against a real Azurite that goes away, answers for the wrong key, lacks the container,
/// or whose answer is lost: transient failures are survived, the rest is one clear line without the key.
/// </summary>
public sealed class AzureBlobFailureTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    private static readonly AzureRetryPolicy Quick = new(3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100));

    [Fact]
    public async Task A_put_begun_while_Azurite_is_down_succeeds_once_when_it_is_back()
    {
        using var server = new AzuriteServer();
        using var store = await AzureBlobStore.OpenAsync(server.Connection, new AzureBlobStoreOptions { Container = AzureBlobStoreTests.FreshContainer() });
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

    [Theory]
    [InlineData("create-only", true)]
    [InlineData("if-match", true)]
    [InlineData("create-only", false)]
    public async Task A_conditional_put_whose_answer_was_lost_knows_its_own_write_on_replay(string condition, bool ours)
    {
        using var http = new RecordingHandler();
        using var store = await AzureBlobStore.OpenAsync(azurite.Connection, new AzureBlobStoreOptions { Container = AzureBlobStoreTests.FreshContainer() }, http);
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
    public async Task A_wrong_key_is_one_line_naming_account_and_endpoint_without_the_key()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = AzureBlobConnection.Parse($"AccountName=devstoreaccount1;AccountKey={wrongKey};BlobEndpoint={azurite.BlobEndpoint}");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(connection, new AzureBlobStoreOptions { Container = "sweeps" }));

        AssertOneClearLine(error, "authentication failed (403", azurite.BlobEndpoint.AbsoluteUri, wrongKey);
        Assert.DoesNotContain("attempts", error.Message); // refused, not retried
    }

    [Fact]
    public async Task A_wrong_port_is_one_line_naming_the_endpoint_after_the_retries()
    {
        int port;
        using (var listener = new TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }
        var connection = AzureBlobConnection.Development(new Uri($"http://127.0.0.1:{port}/devstoreaccount1"));

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => AzureBlobStore.OpenAsync(connection, new AzureBlobStoreOptions { Retry = Quick }));

        AssertOneClearLine(error, "Connection refused", $"127.0.0.1:{port}", AzureBlobConnection.DevelopmentKey);
        Assert.Contains("after 3 attempts", error.Message);
    }

    [Fact]
    public async Task A_missing_container_is_one_line_when_creating_it_is_turned_off()
    {
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            AzureBlobStore.OpenAsync(azurite.Connection, new AzureBlobStoreOptions { Container = "no-such-container", CreateContainer = false }));

        AssertOneClearLine(error, "does not exist", "container 'no-such-container'", AzureBlobConnection.DevelopmentKey);
    }

    private static void AssertOneClearLine(Exception error, string problem, string where, string key)
    {
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains(where, error.Message);
        Assert.Contains("account 'devstoreaccount1'", error.Message);
        Assert.DoesNotContain(key, error.Message);
        Assert.DoesNotContain(key[..16], error.Message);
    }
}

using OrleansSweeps.Silo.Blobs;
using OrleansSweeps.Silo.Ledger.Sqlite;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// A home that cannot be written gives one error naming the path. Tests run as root, which ignores
/// permission bits, so the failures are provoked by paths no one can write: below a regular file, in /proc.
/// </summary>
public sealed class StorageErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string HomeBelowAFile()
    {
        File.WriteAllText(_temp.Combine("file"), "not a directory");
        return _temp.Combine("file", "home");
    }

    [Fact]
    public void A_ledger_below_a_regular_file_names_its_path()
    {
        var home = HomeBelowAFile();

        var error = Assert.Throws<StorageUnavailableException>(() => SqliteLedger.OpenInHome(home));

        Assert.Contains(Path.Combine(home, SqliteLedger.FileName), error.Message);
    }

    [Fact]
    public void A_ledger_file_that_cannot_be_created_names_its_path()
    {
        var error = Assert.Throws<StorageUnavailableException>(() => SqliteLedger.Open("/proc/sweeps-ledger.db"));

        Assert.Contains("/proc/sweeps-ledger.db", error.Message);
    }

    [Fact]
    public void A_ledger_file_that_is_not_a_database_names_its_path()
    {
        File.WriteAllText(_temp.Combine(SqliteLedger.FileName), new string('x', 8192));

        var error = Assert.Throws<StorageUnavailableException>(() => SqliteLedger.OpenInHome(_temp.Path));

        Assert.Contains(_temp.Combine(SqliteLedger.FileName), error.Message);
    }

    [Theory]
    [InlineData("below-a-file")]
    [InlineData("proc")]
    public void A_blob_store_that_cannot_be_written_names_its_path(string where)
    {
        var home = where == "proc" ? "/proc/sweeps-home" : HomeBelowAFile();

        var error = Assert.Throws<StorageUnavailableException>(() => FileBlobStore.OpenInHome(home));

        Assert.Contains(Path.Combine(home, FileBlobStore.DirectoryName), error.Message);
    }

    [Fact]
    public async Task A_put_that_cannot_be_written_names_the_key()
    {
        var store = FileBlobStore.Open(_temp.Combine("blobs"));
        await store.PutAsync("sweeps/s/spec.yaml", "a"u8.ToArray());

        // The key needs a directory where a blob (a file) already is.
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutAsync("sweeps/s/spec.yaml/child", "b"u8.ToArray()));

        Assert.Contains("sweeps/s/spec.yaml/child", error.Message);
        Assert.Contains(_temp.Combine("blobs"), error.Message);
    }

    public void Dispose() => _temp.Dispose();
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansSweeps.Silo.GrainStorage;
using OrleansSweeps.Silo.Storage;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The SQLite grain storage through a real in-process silo (grains with <c>IPersistentState</c>), and directly,
/// where a second writer of the same file plays the stale activation the fencing must refuse.
/// </summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDirectory _home = new();

    private string DatabasePath => _home.Combine("grains.db");

    [Fact]
    public async Task A_written_state_is_read_back_by_a_new_activation()
    {
        await using var silo = await StartSilo();
        var grain = silo.Grains.GetGrain<IStateGrain>("a");
        Assert.Equal(new StateSnapshot(0, null, false, silo.Address), await grain.Read());

        Assert.Equal(new StateSnapshot(7, "1", true, silo.Address), await grain.Write(7));
        await grain.Deactivate();

        Assert.Equal(new StateSnapshot(7, "1", true, silo.Address), await grain.Read());
    }

    [Fact]
    public async Task State_survives_a_silo_restart_on_the_same_file()
    {
        await using (var first = await StartSilo())
        {
            await first.Grains.GetGrain<IStateGrain>("a").Write(1);
            await first.Grains.GetGrain<IStateGrain>("a").Write(2);
        }
        // The stopped silo closed the file: SQLite checkpoints and removes the WAL when its last connection closes.
        Assert.False(File.Exists(DatabasePath + "-wal"), "the stopped silo still holds the file open (its WAL is there)");
        await using var second = await StartSilo();
        var read = await second.Grains.GetGrain<IStateGrain>("a").Read();
        Assert.Equal((2, "2", true), (read.Value, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_write_with_a_stale_ETag_is_refused_and_changes_nothing()
    {
        await using var silo = await StartSilo();
        var grain = silo.Grains.GetGrain<IStateGrain>("fenced");
        await grain.Write(1);
        // Another writer (a newer activation elsewhere) moves the row on behind this activation's back.
        var other = Storage(silo.Services);
        var state = new GrainState<TestState>(new TestState());
        await other.ReadStateAsync("state", grain.GetGrainId(), state);
        state.State!.Value = 99;
        await other.WriteStateAsync("state", grain.GetGrainId(), state);

        var refused = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Write(2));
        Assert.Contains("version 1", refused.Message);
        Assert.Contains("version 2 is stored", refused.Message);

        var stored = new GrainState<TestState>(new TestState());
        await other.ReadStateAsync("state", grain.GetGrainId(), stored);
        Assert.Equal((99, "2"), (stored.State!.Value, stored.ETag));
        Assert.Equal(["1"], stored.State!.History);
    }

    [Fact]
    public async Task Clear_leaves_no_record_and_a_later_write_continues_the_versions()
    {
        await using var silo = await StartSilo();
        var grain = silo.Grains.GetGrain<IStateGrain>("c");
        await grain.Write(5);
        Assert.Equal(new StateSnapshot(0, "2", false, silo.Address), await grain.Clear());
        Assert.Equal(new StateSnapshot(0, "2", false, silo.Address), await grain.Reload());
        Assert.Equal(new StateSnapshot(6, "3", true, silo.Address), await grain.Write(6));
    }

    [Fact]
    public async Task Concurrent_writes_from_many_grains_all_land()
    {
        const int grains = 24, writes = 15;
        await using (var silo = await StartSilo())
        {
            await Task.WhenAll(Enumerable.Range(0, grains).Select(async g =>
            {
                var grain = silo.Grains.GetGrain<IStateGrain>($"g{g}");
                for (var w = 1; w <= writes; w++) await grain.Write(g * 1000 + w);
            }));
        }
        await using var restarted = await StartSilo();
        foreach (var g in Enumerable.Range(0, grains))
        {
            var read = await restarted.Grains.GetGrain<IStateGrain>($"g{g}").Read();
            Assert.Equal((g * 1000 + writes, $"{writes}"), (read.Value, read.ETag));
        }
    }

    [Fact]
    public async Task An_insert_over_an_existing_row_and_a_foreign_ETag_are_conflicts()
    {
        var storage = Storage(SerializerServices());
        var id = GrainIdOf("x");
        await storage.WriteStateAsync("state", id, new GrainState<TestState>(new TestState { Value = 1 }));

        var blind = new GrainState<TestState>(new TestState { Value = 2 });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", id, blind));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", id, blind));
        blind.ETag = "not-a-version";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", id, blind));
        blind.ETag = "7";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", id, blind));

        var read = new GrainState<TestState>(new TestState());
        await storage.ReadStateAsync("state", id, read);
        Assert.Equal((1, "1", true), (read.State!.Value, read.ETag, read.RecordExists));
        // Another state name of the same grain is another row.
        await storage.WriteStateAsync("other", id, new GrainState<TestState>(new TestState { Value = 3 }));
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_with_one_row_per_grain_state()
    {
        var storage = Storage(SerializerServices());
        await storage.WriteStateAsync("state", GrainIdOf("w"), new GrainState<TestState>(new TestState()));
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "SELECT grain_type || '/' || grain_key || ' ' || state_name || ' ' || version FROM orleans_grain_state";
        Assert.Equal($"{GrainIdOf("w")} state 1", command.ExecuteScalar());
    }

    [Fact]
    public async Task A_file_that_cannot_be_opened_fails_the_silo_start_naming_it()
    {
        var missing = _home.Combine("no-such-dir", "grains.db");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalSilo.StartLocalhostAsync(s => s.AddSqliteGrainStorage(StateGrain.StorageName, missing)));
        Assert.Contains(missing, Flatten(error).OfType<StorageUnavailableException>().First().Message);

        File.WriteAllText(DatabasePath, new string('x', 4096));
        var corrupt = Assert.Throws<StorageUnavailableException>(() => Storage(SerializerServices()).EnsureCreated());
        Assert.Contains(DatabasePath, corrupt.Message);
        Assert.DoesNotContain('\n', corrupt.Message);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _home.Dispose();
    }

    private Task<LocalSilo> StartSilo() => LocalSilo.StartLocalhostAsync(s => s.AddSqliteGrainStorage(StateGrain.StorageName, DatabasePath));

    private SqliteGrainStorage Storage(IServiceProvider services) => new(
        "direct", DatabasePath, services.GetRequiredService<IGrainStorageSerializer>(), services.GetRequiredService<IActivatorProvider>());

    /// <summary>Orleans' own grain storage serializer and activators, without a silo.</summary>
    private static ServiceProvider SerializerServices() => new ServiceCollection()
        .AddSerializer()
        .AddSingleton<IGrainStorageSerializer>(s => new OrleansGrainStorageSerializer(s.GetRequiredService<Serializer>()))
        .BuildServiceProvider();

    private static GrainId GrainIdOf(string key) => GrainId.Create("state", key);

    private static IEnumerable<Exception> Flatten(Exception e) =>
        e is AggregateException aggregate ? aggregate.InnerExceptions.SelectMany(Flatten).Prepend(e)
        : e.InnerException is null ? [e] : Flatten(e.InnerException).Prepend(e);
}

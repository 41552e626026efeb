using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansSweeps.Silo.Cluster.Postgres;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// Two real silos in this process on one PostgreSQL database through the official ADO.NET providers and
/// our schema: membership, gateways, grain state with its ETag fencing, reminders, and a silo's death.
/// Tables are read with our own SQL, independent of the providers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansPostgresClusterTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // The providers' sessions run in a zone far from UTC, so a time stored without its zone would show as hours off.
    private readonly PostgresOrleans _db = new(server.ConnectionString(server.CreateDatabase("orleans")) + ";Timezone=Asia/Kolkata");

    public Task InitializeAsync() => OrleansPostgresSchema.EnsureAsync(_db.ConnectionString, default);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_silos_become_active_and_a_client_reaches_them_through_the_gateways()
    {
        await using var a = await _db.StartSilo("a");
        await using var b = await _db.StartSilo("b");
        Poll.Until(() => _db.StatusOf(a.Port) == 3 && _db.StatusOf(b.Port) == 3, Patience, "both silos Active in orleans_membership");
        Assert.Equal(2L, _db.Scalar<long>("SELECT count(*) FROM orleans_membership WHERE proxy_port > 0"));
        Assert.Equal(2L, _db.Scalar<long>(
            $"SELECT count(*) FROM orleans_membership WHERE {AboutNow("start_time")} AND {AboutNow("i_am_alive_time")}"));

        using var client = await _db.StartClient();
        var read = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IStateGrain>("via-gateway").Write(3);
        Assert.Equal((3, "1"), (read.Value, read.ETag));
        await client.StopAsync();
    }

    [Fact]
    public async Task Grain_state_moves_between_silos_and_a_stale_write_is_refused()
    {
        await using var a = await _db.StartSilo("a");
        await using var b = await _db.StartSilo("b");
        var onA = a.Grains.GetGrain<IStateGrain>("moving");
        Assert.Equal(new StateSnapshot(5, "1", true, a.Address), await onA.Write(5));
        // Stopping a deactivates the grain there; b then activates it and reads what a wrote.
        var addressOfA = a.Address;
        await a.StopAsync();

        var onB = b.Grains.GetGrain<IStateGrain>("moving");
        var moved = await PollAsync(() => onB.Read(), s => s.Silo == b.Address, "the grain to reactivate on silo b");
        Assert.Equal(new StateSnapshot(5, "1", true, b.Address), moved);
        Assert.NotEqual(addressOfA, moved.Silo);
        Assert.Equal("2", (await onB.Write(6)).ETag);

        // Another writer moves the row on behind b's activation: b's next write must change nothing.
        var storage = b.Services.GetRequiredKeyedService<IGrainStorage>(StateGrain.StorageName);
        var other = new GrainState<TestState>(new TestState());
        await storage.ReadStateAsync("state", onB.GetGrainId(), other);
        other.State!.Value = 99;
        await storage.WriteStateAsync("state", onB.GetGrainId(), other);
        Assert.Equal("3", other.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => onB.Write(7));

        var stored = new GrainState<TestState>(new TestState());
        await storage.ReadStateAsync("state", onB.GetGrainId(), stored);
        Assert.Equal((99, "3", true), (stored.State!.Value, stored.ETag, stored.RecordExists));
        Assert.Equal(["5", "6"], stored.State.History);
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM orleans_grain_state WHERE grain_type = 'state'"));
    }

    [Fact]
    public async Task Clear_keeps_a_tombstone_or_deletes_and_a_stale_clear_is_refused()
    {
        await using var a = await _db.StartSilo("a", s => s.AddAdoNetGrainStorage("deleting", o =>
            (o.Invariant, o.ConnectionString, o.DeleteStateOnClear) = (PostgresOrleans.Invariant, _db.ConnectionString, true)));
        foreach (var (name, rowsAfterClear) in new[] { (StateGrain.StorageName, 1L), ("deleting", 0L) })
        {
            var storage = a.Services.GetRequiredKeyedService<IGrainStorage>(name);
            var id = GrainId.Create("direct", name);
            var state = new GrainState<TestState>(new TestState { Value = 1 });
            await storage.WriteStateAsync("s", id, state);
            await storage.WriteStateAsync("s", id, state);
            var stale = new GrainState<TestState>(new TestState(), "1") { RecordExists = true };
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("s", id, stale));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", id, stale));

            await storage.ClearStateAsync("s", id, state);
            Assert.False(state.RecordExists);
            Assert.Equal(rowsAfterClear, _db.Scalar<long>("SELECT count(*) FROM orleans_grain_state WHERE grain_type = 's' AND grain_id_extension = @k", ("k", name)));
            await storage.WriteStateAsync("s", id, state);
            Assert.True(state.RecordExists);
        }
    }

    [Fact]
    public async Task A_reminder_is_stored_read_by_hash_range_and_fires()
    {
        await using var a = await _db.StartSilo("a");
        await using var b = await _db.StartSilo("b");
        var grain = a.Grains.GetGrain<IReminderGrain>("wake");
        await grain.Register("wake", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(1L, _db.Scalar<long>(
            "SELECT count(*) FROM orleans_reminders WHERE service_id = @s AND reminder_name = 'wake' AND period = 60000 AND grain_id = @g",
            ("s", PostgresOrleans.ServiceId), ("g", grain.GetGrainId().ToString())));
        Assert.Equal(1L, _db.Scalar<long>($"SELECT count(*) FROM orleans_reminders WHERE {AboutNow("start_time")}"));
        await PollAsync(() => grain.Ticks(), ticks => ticks > 0, "the reminder to fire");

        var table = a.Services.GetRequiredService<IReminderTable>();
        var id = grain.GetGrainId();
        var hash = id.GetUniformHashCode();
        Assert.True((int)(hash - 1) < (int)hash && (int)hash < (int)(hash + 1), "the test grain's hash is not at the signed boundary");
        // (begin, end]: ReadRangeRows1Key when it does not wrap in signed order, else ReadRangeRows2Key.
        Assert.True(Holds(await table.ReadRows(hash - 1, hash), id));
        Assert.False(Holds(await table.ReadRows(hash, hash + 1), id));
        Assert.True(Holds(await table.ReadRows(hash + 1, hash), id));
        Assert.False(Holds(await table.ReadRows(hash, hash - 1), id));

        var etag = (await table.ReadRow(id, "wake"))!.ETag!;
        var staleETag = (int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(await table.RemoveRow(id, "wake", staleETag));
        Assert.True(await table.RemoveRow(id, "wake", etag));
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM orleans_reminders"));

        var upserted = await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "other", StartAt = DateTime.UtcNow, Period = TimeSpan.FromHours(1) });
        Assert.Equal("0", upserted);
        Assert.Equal("1", await table.UpsertRow(new ReminderEntry { GrainId = id, ReminderName = "other", StartAt = DateTime.UtcNow, Period = TimeSpan.FromHours(2) }));
        Assert.Equal(7_200_000L, _db.Scalar<long>("SELECT period FROM orleans_reminders"));
        await table.TestOnlyClearTable();
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM orleans_reminders"));
    }

    [Fact]
    public async Task Membership_changes_are_conditional_on_the_table_version_and_heartbeats_are_not()
    {
        await using var a = await _db.StartSilo("a");
        var table = a.Services.GetRequiredService<IMembershipTable>();
        var read = await table.ReadAllAsync(default);
        var current = read.Version;
        var stale = new TableVersion(current.Version + 1, (current.Version - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var next = new TableVersion(current.Version + 1, current.VersionEtag);
        var entry = new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Parse("10.0.0.9"), 1111, 7), SiloName = "other", HostName = "elsewhere",
            Status = SiloStatus.Joining, StartTime = DateTime.UtcNow, IAmAliveTime = DateTime.UtcNow,
        };
        int Version() => _db.Scalar<int>("SELECT version FROM orleans_membership_version");
        int? Status() => _db.StatusOf(1111);

        Assert.False(await table.InsertRowAsync(entry, stale, default));
        Assert.Equal((current.Version, (int?)null), (Version(), Status()));
        Assert.True(await table.InsertRowAsync(entry, next, default));
        Assert.Equal((current.Version + 1, (int?)2), (Version(), Status()));
        var now = new TableVersion(current.Version + 2, next.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(await table.InsertRowAsync(entry, now, default));
        Assert.Equal(current.Version + 1, Version());

        entry.Status = SiloStatus.Dead;
        // 10.4.2 gives a row the table's ETag and refuses, before any SQL, an update whose two ETags differ.
        Assert.False(await table.UpdateRowAsync(entry, next.VersionEtag, next, default));
        Assert.Equal((current.Version + 1, (int?)2), (Version(), Status()));
        Assert.True(await table.UpdateRowAsync(entry, now.VersionEtag, now, default));
        Assert.Equal((current.Version + 2, (int?)6), (Version(), Status()));

        entry.IAmAliveTime = DateTime.UtcNow.AddSeconds(30);
        await table.UpdateIAmAliveAsync(entry, default);
        Assert.Equal(current.Version + 2, Version());
        var row = (await table.ReadRowAsync(entry.SiloAddress, default)).Members.Single().Item1;
        Assert.True((entry.IAmAliveTime - row.IAmAliveTime).Duration() < TimeSpan.FromMilliseconds(1), $"heartbeat stored as {row.IAmAliveTime:O}, sent {entry.IAmAliveTime:O}");
    }

    [Fact]
    public async Task A_stopped_silo_is_marked_dead_and_defunct_rows_are_cleaned_up()
    {
        await using var a = await _db.StartSilo("a");
        await using var b = await _db.StartSilo("b");
        var portOfB = b.Port;
        Poll.Until(() => _db.StatusOf(portOfB) == 3, Patience, "silo b Active");
        var version = _db.Scalar<int>("SELECT version FROM orleans_membership_version");
        await b.StopAsync();
        Poll.Until(() => _db.StatusOf(portOfB) == 6, Patience, "silo b Dead in orleans_membership");
        Assert.True(_db.Scalar<int>("SELECT version FROM orleans_membership_version") > version);

        var membership = a.Services.GetRequiredService<IMembershipTable>();
        await membership.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), default);
        Assert.Null(_db.StatusOf(portOfB));
        Assert.Equal(3, _db.StatusOf(a.Port));

        _db.Execute("INSERT INTO orleans_membership_version (deployment_id) VALUES ('other')");
        _db.Execute("INSERT INTO orleans_membership VALUES ('other', '10.0.0.1', 1, 1, 's', 'h', 3, 0, NULL, now(), now())");
        await membership.DeleteMembershipTableEntriesAsync("other", default);
        Assert.Equal(0L, _db.Scalar<long>("SELECT count(*) FROM orleans_membership WHERE deployment_id = 'other'"));
        Assert.Equal(1L, _db.Scalar<long>("SELECT count(*) FROM orleans_membership_version"));
    }

    private static string AboutNow(string column) => $"abs(extract(epoch FROM now() - {column})) < 120";

    private static bool Holds(ReminderTableData rows, GrainId id) => rows.Reminders.Any(r => r.GrainId == id);

    private static Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string awaited) => Task.Run(async () =>
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var value = await probe();
                if (done(value)) return value;
            }
            catch (SiloUnavailableException)
            {
                // A call routed to the silo that just stopped: the cluster has not noticed yet.
            }
            if (clock.Elapsed > Patience) throw new TimeoutException($"timed out after {Patience.TotalSeconds:F0} s waiting for {awaited}");
            await Task.Delay(50);
        }
    });
}

using System.Globalization;
using Orleans.Runtime;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// The silos part of <c>sweeps status</c>, aligned like the sweeps table above it (<see cref="TextTable"/>): each silo Orleans lists
/// (active ones, and any seen in the last <see cref="ShownFor"/>) with its state as Orleans has it, the slots and
/// device it recorded as it started, its last IAmAlive time, and the runs it trains now (of one sweep only, when given).
/// </summary>
internal static class SiloTable
{
    /// <summary>How long a silo that is no longer active stays in the table after it was last alive.</summary>
    public static readonly TimeSpan ShownFor = TimeSpan.FromHours(1);

    public static void Write(IReadOnlyList<MemberSilo> members, IReadOnlyList<SiloSlots> slots, IReadOnlyList<RunningRun> running, string? sweep, DateTimeOffset now)
    {
        var rows = Rows(members, slots, running, sweep, now);
        if (rows.Count == 0) return;
        Console.WriteLine();
        foreach (var line in TextTable.Lines(Header, rows)) Console.WriteLine(line);
    }

    public static readonly IReadOnlyList<string> Header = ["silo", "state", "slots", "device", "training", "last alive (UTC)", "runs"];

    /// <summary>The table's rows (cells); none when no silo is shown.</summary>
    internal static IReadOnlyList<IReadOnlyList<string>> Rows(IReadOnlyList<MemberSilo> members, IReadOnlyList<SiloSlots> slots, IReadOnlyList<RunningRun> running, string? sweep, DateTimeOffset now)
    {
        var shown = members.Where(m => m.Status == SiloStatus.Active || (m.LastAlive ?? m.StartedAt) >= now - ShownFor).ToArray();
        var recorded = slots.ToDictionary(s => s.Silo);
        // The catalog names a run's silo by name; of several incarnations of one name (a restart) the live one trains it.
        var trainer = shown.GroupBy(m => m.Silo).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Status == SiloStatus.Dead).ThenByDescending(m => m.StartedAt).First());
        var training = running.Where(r => r.Silo is not null && (sweep is null || r.Run.Sweep == sweep)).ToLookup(r => r.Silo!);
        return shown.Select(member =>
        {
            var runs = trainer[member.Silo] == member ? training[member.Silo].Select(r => r.Run.ToString()).ToArray() : [];
            var record = recorded.GetValueOrDefault(member.Silo);
            return (IReadOnlyList<string>)[member.Silo, State(member.Status), record?.Slots.ToString(CultureInfo.InvariantCulture) ?? "-", record?.Device ?? "-",
                runs.Length.ToString(CultureInfo.InvariantCulture), member.LastAlive?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                runs.Length == 0 ? "-" : string.Join(' ', runs)];
        }).ToArray();
    }

    /// <summary>Orleans' silo status in the words of the table.</summary>
    internal static string State(SiloStatus status) => status switch
    {
        SiloStatus.Created or SiloStatus.Joining => "joining",
        SiloStatus.Active => "active",
        SiloStatus.ShuttingDown or SiloStatus.Stopping => "shutting down",
        SiloStatus.Dead => "dead",
        _ => "unknown",
    };
}

using System.Globalization;
using Orleans.Runtime;
using OrleansSweeps.Silo.Cluster;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// The silos part of <c>sweeps status</c>, tab-separated like the sweeps table above it: each silo Orleans lists
/// (active ones, and any seen in the last <see cref="ShownFor"/>) with its state as Orleans has it, the slots and
/// device it recorded as it started, its last IAmAlive time, and the runs it trains now (of one sweep only, when given).
/// </summary>
internal static class SiloTable
{
    /// <summary>How long a silo that is no longer active stays in the table after it was last alive.</summary>
    public static readonly TimeSpan ShownFor = TimeSpan.FromHours(1);

    public static void Write(IReadOnlyList<MemberSilo> members, IReadOnlyList<SiloSlots> slots, IReadOnlyList<RunningRun> running, string? sweep, DateTimeOffset now)
    {
        var lines = Lines(members, slots, running, sweep, now).ToArray();
        if (lines.Length == 0) return;
        Console.WriteLine();
        foreach (var line in lines) Console.WriteLine(line);
    }

    /// <summary>The table's lines, its header first; none when no silo is shown.</summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<MemberSilo> members, IReadOnlyList<SiloSlots> slots, IReadOnlyList<RunningRun> running, string? sweep, DateTimeOffset now)
    {
        var shown = members.Where(m => m.Status == SiloStatus.Active || (m.LastAlive ?? m.StartedAt) >= now - ShownFor).ToArray();
        if (shown.Length == 0) yield break;
        var recorded = slots.ToDictionary(s => s.Silo);
        // The catalog names a run's silo by name; of several incarnations of one name (a restart) the live one trains it.
        var trainer = shown.GroupBy(m => m.Silo).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Status == SiloStatus.Dead).ThenByDescending(m => m.StartedAt).First());
        var training = running.Where(r => r.Silo is not null && (sweep is null || r.Run.Sweep == sweep)).ToLookup(r => r.Silo!);
        yield return "silo\tstate\tslots\tdevice\ttraining\tlast alive (UTC)\truns";
        foreach (var member in shown)
        {
            var runs = trainer[member.Silo] == member ? training[member.Silo].Select(r => r.Run.ToString()).ToArray() : [];
            var record = recorded.GetValueOrDefault(member.Silo);
            yield return string.Join('\t', member.Silo, State(member.Status), record?.Slots.ToString(CultureInfo.InvariantCulture) ?? "-", record?.Device ?? "-",
                runs.Length, member.LastAlive?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                runs.Length == 0 ? "-" : string.Join(' ', runs));
        }
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

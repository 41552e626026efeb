using System.Globalization;
using OrleansSweeps.Silo.Ledger;

namespace OrleansSweeps.Client.Display;

/// <summary>
/// The silos part of <c>sweeps status</c>: each silo with its slots, state, last heartbeat and the runs it
/// holds now (of one sweep only, when given), tab-separated like the sweeps table above it. A silo holds the runs
/// training on its slots, those claimed ahead and those concluding (docs/spec.md, "Pipelining"), so short runs
/// can show more held than slots.
/// </summary>
internal static class SiloTable
{
    public static void Write(IReadOnlyList<SiloRecord> silos, IReadOnlyList<RunningRun> running, string? sweep)
    {
        if (silos.Count == 0) return;
        var held = running.Where(r => sweep is null || r.Run.Sweep == sweep).ToLookup(r => r.Owner ?? "");
        Console.WriteLine();
        Console.WriteLine("silo\tstate\tslots\theld\tlast heartbeat (UTC)\truns");
        foreach (var silo in silos)
        {
            var runs = held[silo.Silo].Select(r => r.Run.ToString()).ToArray();
            Console.WriteLine(string.Join('\t', silo.Silo, silo.State == SiloState.Alive ? "alive" : "expired", silo.Slots, runs.Length,
                silo.LastHeartbeat.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), runs.Length == 0 ? "-" : string.Join(' ', runs)));
        }
    }
}

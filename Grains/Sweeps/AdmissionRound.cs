namespace OrleansSweeps.Grains.Sweeps;

/// <summary>
/// One round of a sweep's admissions: where each queued run goes, counted once per round and then as runs are placed
/// (not recounted per run). A silo's room, as the sweep counts it (its own slot pool has the last word: it answers NoSlot
/// when other sweeps took the room), is its slots, twice that while it lets runs wait in line, less this sweep's runs
/// training or waiting there and those placed in this round. A silo that holds replicates of the run's point comes first
/// (their data is loaded there), then the one with the most room, then by name.
/// </summary>
internal sealed class AdmissionRound
{
    private readonly IReadOnlyDictionary<string, bool> _queues;
    private readonly IReadOnlySet<string> _busy;
    private readonly Dictionary<string, int> _used = [];
    private readonly Dictionary<int, HashSet<string>> _pointSilos = [];

    /// <param name="placed">This sweep's runs training or waiting on a silo now.</param>
    /// <param name="queues">Whether a silo lets runs wait in line (as it last answered); absent: no.</param>
    /// <param name="busy">Silos that answered NoSlot in this call: not asked again.</param>
    public AdmissionRound(IEnumerable<(int Point, string Silo)> placed, IReadOnlyDictionary<string, bool> queues, IReadOnlySet<string> busy)
    {
        (_queues, _busy) = (queues, busy);
        foreach (var (point, silo) in placed) Count(point, silo);
    }

    /// <summary>Places a run of <paramref name="point"/> on one of <paramref name="silos"/> (name → slots) and counts it there; null when none has room.</summary>
    public string? Place(int point, IReadOnlyDictionary<string, int> silos)
    {
        var siblings = _pointSilos.GetValueOrDefault(point);
        string? best = null;
        (bool Sibling, int Room) bestKey = default;
        foreach (var (silo, slots) in silos)
        {
            if (_busy.Contains(silo)) continue;
            var room = slots * (_queues.GetValueOrDefault(silo) ? 2 : 1) - _used.GetValueOrDefault(silo);
            if (room <= 0) continue;
            var key = (siblings?.Contains(silo) == true, room);
            if (best is null || Better(key, silo, bestKey, best)) (best, bestKey) = (silo, key);
        }
        if (best is not null) Count(point, best);
        return best;
    }

    private static bool Better((bool Sibling, int Room) key, string silo, (bool Sibling, int Room) than, string thanSilo) =>
        key.Sibling != than.Sibling ? key.Sibling
        : key.Room != than.Room ? key.Room > than.Room
        : string.CompareOrdinal(silo, thanSilo) < 0;

    private void Count(int point, string silo)
    {
        _used[silo] = _used.GetValueOrDefault(silo) + 1;
        if (!_pointSilos.TryGetValue(point, out var silos)) _pointSilos[point] = silos = [];
        silos.Add(silo);
    }
}

using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Data;

namespace OrleansSweeps.Silo.Hosting;

/// <summary>
/// The data of the points this silo works on: the plan (training sets are drawn from it per replicate) and
/// the common test set on the device, built once per point and shared read-only by its replicates on every
/// slot. Up to <c>spare</c> entries nobody uses are kept, so the next replicate of a point does not rebuild
/// them; older unused ones are disposed.
/// </summary>
internal sealed class PointDataCache(int spare) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Sweep, int Point), Entry> _entries = [];
    private long _clock;

    public sealed class Entry(DataPlan plan, TensorData test)
    {
        public DataPlan Plan { get; } = plan;

        public TensorData Test { get; } = test;

        internal int Users { get; set; }

        internal long LastUsed { get; set; }
    }

    /// <summary>The point's data; pair with <see cref="Release"/>.</summary>
    public Entry Acquire(string sweep, int point, RunSpec spec, string device)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((sweep, point), out var cached))
            {
                cached.Users++;
                return cached;
            }
        }
        // Built outside the gate: loading a data set takes a while and other points need not wait.
        var plan = DataPlan.For(spec);
        var test = TensorData.Upload(plan.Test, spec.Model.Precision, device);
        lock (_gate)
        {
            if (_entries.TryGetValue((sweep, point), out var entry))
            {
                test.Dispose();
            }
            else
            {
                entry = new Entry(plan, test);
                _entries[(sweep, point)] = entry;
            }
            entry.Users++;
            return entry;
        }
    }

    public void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Users--;
            entry.LastUsed = ++_clock;
            var idle = _entries.Where(e => e.Value.Users == 0).OrderBy(e => e.Value.LastUsed).ToList();
            foreach (var (key, old) in idle.Take(Math.Max(0, idle.Count - spare)))
            {
                _entries.Remove(key);
                old.Test.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Values) entry.Test.Dispose();
            _entries.Clear();
        }
    }
}

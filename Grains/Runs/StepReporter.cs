using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// Reports a run's finished rows through its fence, all the steps finished since the last report in one
/// call. The moment vectors of those steps (held here since they were recorded) are first written as one
/// blob, and each report names its range (<see cref="MomentsLocator"/>). The ledger keeps the first report
/// of a step, so a resumed activation repeating a step changes nothing. Runs are deterministic, so a
/// batch's blob (keyed by its first and last step) has the same bytes whichever activation writes it.
/// </summary>
internal sealed class StepReporter(IRunFence fence, IRunStore store, string run)
{
    private readonly SortedDictionary<int, byte[]> _moments = [];
    private int _reportedThrough = -1;

    /// <summary>Holds a recorded step's enveloped moment vectors until the step is reported.</summary>
    public void AddMoments(int step, byte[] envelope) => _moments[step] = envelope;

    /// <summary>The rows up to <paramref name="step"/> were reported by an earlier activation (they are in the checkpoint it resumes from).</summary>
    public void ReportedThrough(int step) => _reportedThrough = Math.Max(_reportedThrough, step);

    /// <summary>Reports the rows after the last one reported; throws <see cref="FenceLostException"/> when fenced off.</summary>
    public void Report(IEnumerable<CurveRow> rows)
    {
        var pending = rows.Where(r => r.Step > _reportedThrough).OrderBy(r => r.Step).ToArray();
        if (pending.Length == 0) return;
        if (fence.Lost.IsCancellationRequested) throw Lost(pending[0].Step);
        var locators = WriteMoments(pending);
        var payloads = pending.Select(r => (r.Step, StepReportPayload.Format(r, locators.GetValueOrDefault(r.Step)))).ToArray();
        if (!fence.ReportSteps(payloads)) throw Lost(pending[0].Step);
        _reportedThrough = pending[^1].Step;
    }

    /// <summary>One blob with the envelopes of the pending steps that have vectors, in step order.</summary>
    private Dictionary<int, MomentsLocator> WriteMoments(CurveRow[] pending)
    {
        var steps = pending.Select(r => r.Step).Where(_moments.ContainsKey).ToArray();
        if (steps.Length == 0) return [];
        var blob = new byte[steps.Sum(s => _moments[s].Length)];
        var ranges = new List<(int Step, int Offset, int Length)>(steps.Length);
        var at = 0;
        foreach (var step in steps)
        {
            var envelope = _moments[step];
            envelope.CopyTo(blob, at);
            ranges.Add((step, at, envelope.Length));
            at += envelope.Length;
        }
        var key = store.WriteMomentBatch(steps[0], steps[^1], blob);
        foreach (var step in steps) _moments.Remove(step);
        return ranges.ToDictionary(r => r.Step, r => new MomentsLocator(key, r.Offset, r.Length));
    }

    private FenceLostException Lost(int step) => new($"{run}: fenced off; report of step {step} rejected");
}

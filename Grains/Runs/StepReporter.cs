using OrleansSweeps.Engine.Training;

namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// Reports a run's finished rows through its lease, each step once per activation (the ledger keeps the
/// first report of a step, so a resumed activation repeating a step changes nothing).
/// </summary>
internal sealed class StepReporter(IRunLease lease, string run)
{
    private int _reportedThrough = -1;

    /// <summary>Reports the rows after the last one reported; throws <see cref="LeaseLostException"/> when fenced off.</summary>
    public void Report(IEnumerable<CurveRow> rows)
    {
        foreach (var row in rows.Where(r => r.Step > _reportedThrough).OrderBy(r => r.Step))
        {
            if (!lease.ReportStep(row.Step, StepReportPayload.Format(row)))
                throw new LeaseLostException($"{run}: lease lost; report of step {row.Step} rejected");
            _reportedThrough = row.Step;
        }
    }
}

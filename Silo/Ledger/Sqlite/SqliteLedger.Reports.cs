using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    public Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Task.FromResult<IReadOnlyList<StepReport>>(Read((c, t) => c.Query(t,
            "SELECT replicate, step, payload FROM reports WHERE sweep = $s AND point = $p AND step = $step ORDER BY replicate",
            r => new StepReport(r.GetInt32(0), r.GetInt32(1), r.GetString(2)),
            ("$s", aggregate.Sweep), ("$p", aggregate.Point), ("$step", aggregate.Step))));
}

using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

public sealed partial class PostgresLedger
{
    public Task<IReadOnlyList<StepReport>> ReadReportsAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Run<IReadOnlyList<StepReport>>(async session => await session.QueryAsync(
            "SELECT replicate, step, payload FROM reports WHERE sweep = @s AND point = @p AND step = @step ORDER BY replicate",
            r => new StepReport(r.GetInt32(0), r.GetInt32(1), r.GetString(2)),
            ("s", aggregate.Sweep), ("p", aggregate.Point), ("step", aggregate.Step)), cancel);
}

using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Postgres;

public sealed partial class PostgresLedger
{
    public Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Run(session => session.ScalarAsync<string>(
            "SELECT result FROM aggregates WHERE sweep = @s AND point = @p AND step = @step AND state = 'completed'",
            ("s", aggregate.Sweep), ("p", aggregate.Point), ("step", aggregate.Step)), cancel);
}

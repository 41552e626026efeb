using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

public sealed partial class SqliteLedger
{
    public Task<string?> ReadAggregateResultAsync(AggregateId aggregate, CancellationToken cancel = default) =>
        Task.FromResult(Read((c, t) => c.Scalar<string>(t,
            "SELECT result FROM aggregates WHERE sweep = $s AND point = $p AND step = $step AND state = 'completed'",
            ("$s", aggregate.Sweep), ("$p", aggregate.Point), ("$step", aggregate.Step))));
}

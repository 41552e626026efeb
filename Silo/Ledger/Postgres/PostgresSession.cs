using Npgsql;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// One attempt of one ledger operation: a pooled connection with its transaction (READ COMMITTED, committed
/// by the caller after the body), the time of the attempt from the ledger's clock, and whether it is a
/// <see cref="Replay"/>: an earlier attempt failed, possibly after its commit reached the server, so the body
/// may find its own work already done and should answer as the first attempt would have.
/// Statements use named parameters (<c>@name</c>), given as (name, value) pairs.
/// </summary>
internal sealed class PostgresSession(NpgsqlConnection connection, NpgsqlTransaction transaction, long nowMs, bool replay, CancellationToken cancel)
{
    /// <summary>Unix milliseconds (UTC) from the ledger's clock at the start of this attempt.</summary>
    public long NowMs { get; } = nowMs;

    public bool Replay { get; } = replay;

    public CancellationToken Cancel { get; } = cancel;

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(Cancel);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        var value = await command.ExecuteScalarAsync(Cancel);
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Reads every row through <paramref name="map"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var rows = new List<T>();
        while (await reader.ReadAsync(Cancel)) rows.Add(map(reader));
        return rows;
    }

    private NpgsqlCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}

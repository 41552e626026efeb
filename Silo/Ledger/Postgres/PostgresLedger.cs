using Npgsql;
using OrleansSweeps.Silo.Storage;
using Polly;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>
/// The cluster ledger: one PostgreSQL database shared by every silo (issue 6), behind the same port and
/// contract as the embedded SQLite ledger. Each operation is one READ COMMITTED transaction on a pooled
/// connection of an <see cref="NpgsqlDataSource"/>. Reports of one point are serialised on the point's row, so
/// the M-th of M concurrent reports sees the others and makes the aggregate ready exactly once. Times come from
/// the injected <see cref="TimeProvider"/> as parameters.
/// <para>
/// Transient errors (see <see cref="PostgresFailures"/>) are retried under <see cref="PostgresRetryPolicy"/>,
/// so a database restart mid-sweep is survived. A retried operation runs again from the start in a new
/// transaction; when its first commit may have reached the server, the operation finds its own work done
/// (<see cref="PostgresSession.Replay"/>): every write is idempotent (an identical report or aggregate result
/// again changes nothing), and a registration recognises its own sweep by its creation time.
/// Problems that retrying cannot fix (bad password, unknown database or host), or a wrong address when
/// opening, fail at once with one <see cref="StorageUnavailableException"/> line naming server and database.
/// </para>
/// </summary>
public sealed partial class PostgresLedger : ILedger
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _openingPipeline;
    private long _retries;

    private PostgresLedger(NpgsqlConnectionStringBuilder settings, TimeProvider clock, PostgresRetryPolicy retry)
    {
        Server = PostgresConnectionString.Describe(settings);
        _clock = clock;
        if (string.IsNullOrEmpty(settings.ApplicationName)) settings.ApplicationName = "sweeps";
        _dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        _pipeline = retry.Build(e => PostgresFailures.Classify(e) != PostgresFailure.Permanent, OnRetry);
        _openingPipeline = retry.Build(e => PostgresFailures.Classify(e) == PostgresFailure.Transient, OnRetry);
    }

    /// <summary>The server and database, without the password (<c>postgresql://user@host:port/database</c>).</summary>
    public string Server { get; }

    /// <summary>
    /// Tests only: called after each commit; returning true makes the attempt fail as if the connection dropped
    /// before the commit's acknowledgement arrived, so the operation is retried over its own committed work.
    /// </summary>
    internal Func<bool>? LoseAcknowledgement { get; set; }

    /// <summary>How many attempts failed transiently and were retried, since opening.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>
    /// Connects to the database named by <paramref name="connectionString"/> (an Npgsql connection string or a
    /// <c>postgresql://</c> URI, see <see cref="PostgresConnectionString"/>), creating or migrating the schema.
    /// An invalid string throws <see cref="ArgumentException"/>; a server that cannot be reached or refuses the
    /// login throws <see cref="StorageUnavailableException"/>; a newer schema <see cref="LedgerSchemaException"/>.
    /// </summary>
    public static PostgresLedger Open(string connectionString, TimeProvider? clock = null, PostgresRetryPolicy? retry = null) =>
        Task.Run(() => OpenAsync(connectionString, clock, retry)).GetAwaiter().GetResult();

    /// <inheritdoc cref="Open"/>
    public static async Task<PostgresLedger> OpenAsync(
        string connectionString, TimeProvider? clock = null, PostgresRetryPolicy? retry = null, CancellationToken cancel = default)
    {
        var ledger = new PostgresLedger(PostgresConnectionString.Parse(connectionString), clock ?? TimeProvider.System, retry ?? PostgresRetryPolicy.Default);
        try
        {
            await ledger.Run(ledger._openingPipeline, s => PostgresSchema.MigrateAsync(s, ledger.Server), cancel);
            return ledger;
        }
        catch
        {
            await ledger.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Runs <paramref name="body"/> in one transaction, retrying transient failures; see the class remarks.</summary>
    private Task<T> Run<T>(Func<PostgresSession, Task<T>> body, CancellationToken cancel) => Run(_pipeline, body, cancel);

    private async Task<T> Run<T>(ResiliencePipeline pipeline, Func<PostgresSession, Task<T>> body, CancellationToken cancel)
    {
        var context = PostgresRetryPolicy.StartContext(cancel);
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(async ctx =>
            {
                var replay = attempts++ > 0;
                await using var connection = await _dataSource.OpenConnectionAsync(ctx.CancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(ctx.CancellationToken);
                var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
                var result = await body(new PostgresSession(connection, transaction, now, replay, ctx.CancellationToken));
                await transaction.CommitAsync(ctx.CancellationToken);
                if (LoseAcknowledgement?.Invoke() == true)
                    throw new NpgsqlException("acknowledgement lost (simulated)", new IOException("connection reset after commit"));
                return result;
            }, context);
        }
        catch (NpgsqlException e)
        {
            throw new StorageUnavailableException(PostgresFailures.Describe(Server, e, PostgresRetryPolicy.Elapsed(context)), e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void OnRetry(Exception error)
    {
        Interlocked.Increment(ref _retries);
        // After a restart every idle pooled connection is dead: drop them rather than fail on each in turn.
        if (PostgresFailures.BrokeConnection(error)) _dataSource.Clear();
    }
}

using System.Net.Sockets;
using Npgsql;

namespace OrleansSweeps.Silo.Ledger.Postgres;

/// <summary>What a failed statement says about the database, and so whether trying again can help.</summary>
internal enum PostgresFailure
{
    /// <summary>Trying again can help: a serialisation failure, a deadlock, a server shutting down or starting up, a dropped connection.</summary>
    Transient,

    /// <summary>
    /// Nothing listens at the address (refused, unreachable, timed out). After the ledger opened this is a
    /// database restart and is retried like <see cref="Transient"/>; when opening, it is a wrong address and fails at once.
    /// </summary>
    Unreachable,

    /// <summary>Trying again cannot help: bad password, unknown database or host, a statement the server refuses.</summary>
    Permanent,
}

/// <summary>Classifies Npgsql errors and words them as one line that names the server and database, never the password.</summary>
internal static class PostgresFailures
{
    public static PostgresFailure Classify(Exception error)
    {
        // Only the driver's own errors say anything about the database; the ledger's (a schema too new, a
        // conflicting sweep) and cancellations are answers, not failures.
        if (error is not NpgsqlException) return PostgresFailure.Permanent;
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return IsTransientState(pg.SqlState) ? PostgresFailure.Transient : PostgresFailure.Permanent;
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                            or SocketError.HostDown or SocketError.TimedOut => PostgresFailure.Unreachable,
                        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
                            or SocketError.NotConnected or SocketError.NetworkReset or SocketError.TryAgain => PostgresFailure.Transient,
                        _ => PostgresFailure.Permanent, // HostNotFound, NoData, AccessDenied, …
                    };
                case TimeoutException:
                    return PostgresFailure.Unreachable;
                case IOException when e.InnerException is not SocketException:
                    // The connection broke mid-conversation (server killed, network dropped): a new one may work.
                    return PostgresFailure.Transient;
            }
        }
        return error is NpgsqlException { IsTransient: true } ? PostgresFailure.Transient : PostgresFailure.Permanent;
    }

    /// <summary>
    /// SQLSTATEs worth retrying: 40001 serialization_failure, 40P01 deadlock_detected, 57P01 admin_shutdown,
    /// 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up), class 08 connection_exception,
    /// 53300 too_many_connections, 55P03 lock_not_available.
    /// </summary>
    public static bool IsTransientState(string state) =>
        state is "40001" or "40P01" or "57P01" or "57P02" or "57P03" or "53300" or "55P03" || state.StartsWith("08", StringComparison.Ordinal);

    /// <summary>Whether pooled connections are likely dead too (the server went away), so the pool should be emptied.</summary>
    public static bool BrokeConnection(Exception error) =>
        Classify(error) == PostgresFailure.Unreachable
        || error is NpgsqlException { InnerException: IOException or SocketException }
        || (error as PostgresException ?? error.InnerException as PostgresException)?.SqlState is "57P01" or "57P02";

    /// <summary>One line: the server, what went wrong, and for a transient error how long it was retried.</summary>
    public static string Describe(string ledger, Exception error, TimeSpan retried)
    {
        var reason = Reason(error);
        return Classify(error) == PostgresFailure.Permanent || retried < TimeSpan.FromSeconds(1)
            ? $"ledger {ledger}: {reason}"
            : $"ledger {ledger}: {reason} (still failing after {retried.TotalSeconds:0} s of retries)";
    }

    private static string Reason(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return $"{pg.MessageText} ({pg.SqlState})";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData }:
                    return "host not found";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused (is PostgreSQL running and listening there?)";
                case SocketException socket:
                    return $"cannot connect ({socket.SocketErrorCode})";
                case TimeoutException:
                    return "timed out";
            }
        }
        return error.Message;
    }
}

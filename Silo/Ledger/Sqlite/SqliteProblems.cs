using Microsoft.Data.Sqlite;

namespace OrleansSweeps.Silo.Ledger.Sqlite;

/// <summary>What a SQLite error about the file means for the user, in words (SQLite's own text and code follow in brackets).</summary>
internal static class SqliteProblems
{
    public static string Describe(SqliteException e, bool openedReadOnly)
    {
        var said = $"({e.Message.TrimEnd('.')})";
        return (e.SqliteErrorCode & 0xFF) switch
        {
            8 when openedReadOnly => $"read-only: this verb only reads the ledger {said}",
            8 or 3 => $"read-only: the home or its ledger cannot be written; reading verbs (status, results, report) still work {said}",
            14 => $"cannot open the file: its directory is missing or not writable (reading verbs work in a read-only home) {said}",
            11 => $"the file is damaged (truncated or overwritten); restore it from a backup {said}",
            26 => $"the file is not a SQLite database (overwritten?); restore it from a backup {said}",
            13 => $"the disk is full {said}",
            10 => $"the disk failed to read or write {said}",
            _ => e.Message,
        };
    }
}

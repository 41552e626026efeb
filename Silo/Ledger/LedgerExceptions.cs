namespace OrleansSweeps.Silo.Ledger;

/// <summary>A sweep id is already registered with a different spec.</summary>
public sealed class SweepConflictException(string message) : InvalidOperationException(message);

/// <summary>
/// The ledger's schema cannot be used by this program (written by a newer version). An
/// <see cref="IOException"/> (InvalidDataException is sealed), so the console reports it as one line.
/// </summary>
public sealed class LedgerSchemaException(string message) : IOException(message);

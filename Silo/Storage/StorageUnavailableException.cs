namespace OrleansSweeps.Silo.Storage;

/// <summary>
/// The ledger or blob store cannot be read or written at a path (read-only or missing directory, disk
/// full, a file where a directory should be, not a database). The message names the path; it is an
/// <see cref="IOException"/>, so the console reports it as one line with exit code 1.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

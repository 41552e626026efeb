namespace OrleansSweeps.Grains.Sweeps;

/// <summary>A sweep id that names no sweep in the stores: bad input (exit 2), not a failure of the stores.</summary>
public sealed class UnknownSweepException(string message) : InvalidOperationException(message);

namespace OrleansSweeps.Client;

/// <summary>Process exit codes of <c>sweeps</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A run failed in the engine, or a data file is missing or corrupt.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a malformed spec, an unknown option, a bad device.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted (Ctrl-C / SIGTERM): checkpoints were saved; run the same command to continue.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Interrupted, and the drain outlasted <c>--grace-period</c>: the runs still training were stopped without a
    /// final checkpoint (those runs resume from their previous one).
    /// </summary>
    public const int DrainTimedOut = 3;
}

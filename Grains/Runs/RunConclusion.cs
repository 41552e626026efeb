namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// A run whose training is over, and what is left of its activation: reporting its last rows, storing its
/// stats and curves (or its failure) and telling the catalog, all through its fence. It needs no slot and no
/// data, so a silo concludes a run off the slot while the slot trains the next one; the activation keeps
/// the run until <see cref="Conclude"/> returns. Conclude once.
/// </summary>
public sealed class RunConclusion(Func<RunOutcome> conclude)
{
    /// <summary>The fence was lost during training: nothing is left to write.</summary>
    public static RunConclusion Lost { get; } = new(() => RunOutcome.Lost);

    /// <summary>Writes what is left and returns the outcome (<see cref="RunOutcome.Lost"/> when fenced off).</summary>
    public RunOutcome Conclude()
    {
        try
        {
            return conclude();
        }
        catch (FenceLostException)
        {
            return RunOutcome.Lost;
        }
    }
}

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// A run whose training loss became NaN or infinite. Runs are deterministic, so retrying would
/// diverge again: the run is recorded as failed and the sweep goes on with the others.
/// </summary>
public sealed class RunDivergedException(int step, double learningRate, string detail)
    : Exception($"diverged at update {step} (lr {learningRate:G6}): {detail}")
{
    public int Step { get; } = step;
}

using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Grains.Runs;

/// <summary>Progress events of the work a silo does, for a console display or logs. Called from slot threads concurrently.</summary>
public interface ISweepObserver
{
    /// <param name="fromStep">Updates already done when the activation started (its checkpoint's step; 0 when fresh).</param>
    void RunStarted(RunId id, int totalSteps, int fromStep);

    /// <summary>After each update, with the number of updates done.</summary>
    void StepDone(RunId id, int step);

    void RunFinished(RunId id, RunOutcome outcome);
}

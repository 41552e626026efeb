using OrleansSweeps.Contracts.Identity;

namespace OrleansSweeps.Grains.Runs;

/// <summary>Progress events of the work a silo does, for a console display or logs. Called from slot threads concurrently.</summary>
public interface ISweepObserver
{
    /// <param name="fromStep">Updates already done when the activation started (its checkpoint's step; 0 when fresh).</param>
    void RunStarted(RunId id, int totalSteps, int fromStep);

    /// <summary>After each update, with the number of updates done.</summary>
    void StepDone(RunId id, int step);

    /// <summary>
    /// The run's training is over and its slot about to be free (the next run may start on it); its conclusion (last
    /// report, curves, end) follows, then <see cref="RunFinished"/>. Not called for a drained activation.
    /// </summary>
    void RunTrained(RunId id)
    {
    }

    void RunFinished(RunId id, RunOutcome outcome);
}

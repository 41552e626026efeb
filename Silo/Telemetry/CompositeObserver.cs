using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Grains.Runs;
using OrleansSweeps.Silo.Hosting;

namespace OrleansSweeps.Silo.Telemetry;

/// <summary>Hands every event to each of its observers in turn (e.g. telemetry, then the console display).</summary>
public sealed class CompositeObserver(params IReadOnlyList<ISweepObserver> observers) : ISweepObserver
{
    /// <summary>The observers that are not null: one is returned as is, several composed.</summary>
    public static ISweepObserver Of(params ISweepObserver?[] observers)
    {
        var present = observers.OfType<ISweepObserver>().ToArray();
        return present.Length == 1 ? present[0] : new CompositeObserver(present);
    }

    public void RunStarted(RunId id, int totalSteps, int fromStep)
    {
        foreach (var observer in observers) observer.RunStarted(id, totalSteps, fromStep);
    }

    public void StepDone(RunId id, int step)
    {
        foreach (var observer in observers) observer.StepDone(id, step);
    }

    public void RunTrained(RunId id)
    {
        foreach (var observer in observers) observer.RunTrained(id);
    }

    public void RunFinished(RunId id, RunOutcome outcome)
    {
        foreach (var observer in observers) observer.RunFinished(id, outcome);
    }
}

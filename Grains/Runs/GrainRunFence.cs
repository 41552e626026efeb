namespace OrleansSweeps.Grains.Runs;

/// <summary>
/// The training thread's way back into its <see cref="RunGrain"/>: each call runs on the grain's own task scheduler
/// (one at a time with the grain's requests, in the order the thread makes them) and the thread waits for it. Not a
/// call through a grain reference: while the grain deactivates (a drain), such a call would be rerouted to a new
/// activation, whereas the grain's scheduler runs it here even while the deactivation waits for the thread.
/// </summary>
internal sealed class GrainRunFence(TaskScheduler grain, RunGrain.Callbacks callbacks, CancellationToken lost) : IRunFence
{
    public CancellationToken Lost { get; } = lost;

    /// <summary>The training is over and the slot free: tells the grain without waiting, so the thread goes on to conclude.</summary>
    public void Trained() => _ = Task.Factory.StartNew(callbacks.Trained, CancellationToken.None, TaskCreationOptions.None, grain);

    public bool ReportSteps(IReadOnlyList<(int Step, string Payload)> reports) => OnGrain(() => callbacks.Report(reports));

    public bool RecordCheckpoint(int step) => OnGrain(() => callbacks.Checkpointed(step));

    public bool Complete() => OnGrain(() => callbacks.Ended(null));

    public bool Fail(string reason) => OnGrain(() => callbacks.Ended(reason));

    private bool OnGrain(Func<Task<bool>> call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.None, grain).Unwrap().GetAwaiter().GetResult();
}

using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Placement;
using OrleansSweeps.Silo.Sites;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// A silo's stop drains its runs before Orleans deactivates a grain: the slots close, every tracked thread is told to
/// drain and the stop waits for their ends for at most the grace period; those still going are abandoned.
/// </summary>
public sealed class SiloDrainTests
{
    private static RunId Run(int replicate) => new("s", 0, replicate);

    private static SiloDrain Drain(SlotPool slots, TimeSpan grace) =>
        new(slots, Options.Create(new GrainCollectionOptions { DeactivationTimeout = grace }));

    [Fact]
    public async Task A_stop_drains_every_run_waits_for_their_ends_and_closes_the_slots()
    {
        var slots = new SlotPool(2, TimeSpan.FromSeconds(2));
        var drain = Drain(slots, TimeSpan.FromMinutes(1));
        var ends = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var sources = new[] { new CancellationTokenSource(), new CancellationTokenSource() };
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(RunAdmission.Training, slots.Admit(Run(i)));
            var end = ends[i];
            // The thread ends (its end handled) once told to drain.
            sources[i].Token.Register(() => Task.Run(async () =>
            {
                await Task.Delay(50);
                end.SetResult();
            }));
            drain.Track(Run(i), sources[i], end.Task);
        }

        await drain.DrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(sources, s => Assert.True(s.IsCancellationRequested));
        Assert.All(ends, e => Assert.True(e.Task.IsCompleted, "the stop returned before a run's end"));
        Assert.Empty(drain.Abandoned);
        slots.Timed(TimeSpan.FromMilliseconds(1)); // runs are short: it would let one wait in line
        Assert.True(slots.Queues);
        Assert.Equal(RunAdmission.NoSlot, slots.Admit(Run(2))); // a stopping silo starts nothing and lines nothing up
    }

    [Fact]
    public async Task Runs_still_going_at_the_end_of_the_grace_period_are_abandoned_and_a_late_run_drains_at_once()
    {
        var drain = Drain(new SlotPool(2), TimeSpan.FromMilliseconds(200));
        var stuck = new TaskCompletionSource();
        drain.Track(Run(0), new CancellationTokenSource(), stuck.Task);
        var ended = new CancellationTokenSource();
        drain.Track(Run(1), ended, Task.CompletedTask);

        var started = DateTime.UtcNow;
        await drain.DrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(150), "the stop did not wait for the grace period");

        Assert.Equal([Run(0)], drain.Abandoned);
        Assert.True(drain.WasAbandoned(Run(0)));
        Assert.False(drain.WasAbandoned(Run(1)));

        // A thread that starts once the stop began is told to drain at once.
        var late = new CancellationTokenSource();
        drain.Track(Run(2), late, new TaskCompletionSource().Task);
        Assert.True(late.IsCancellationRequested);
        stuck.SetResult();
    }

    [Fact]
    public async Task A_stop_with_nothing_training_returns_at_once_even_with_a_long_grace_period()
    {
        var drain = Drain(new SlotPool(1), TimeSpan.FromDays(2));
        drain.Track(Run(0), new CancellationTokenSource(), Task.CompletedTask);
        await drain.DrainAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(drain.Abandoned);
    }
}

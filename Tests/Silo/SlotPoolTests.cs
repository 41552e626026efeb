using OrleansSweeps.Contracts.Grains;
using OrleansSweeps.Contracts.Identity;
using OrleansSweeps.Silo.Placement;

namespace OrleansSweeps.Tests.Silo;

/// <summary>
/// The silo's slot pool: never more runs hold a slot than it has; while its runs are short one run per slot waits in
/// line, and a freed slot goes to the first in line; a run taken out of line (drained) leaves it; the busy gauge follows.
/// </summary>
public sealed class SlotPoolTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(2);

    private static RunId Run(int replicate) => new("s", 0, replicate);

    private static SlotPool Pool(int slots, List<int> busy, TimeSpan? queueBelow = null)
    {
        var pool = new SlotPool(slots, queueBelow ?? Short, busy.Add);
        pool.Timed(TimeSpan.FromMilliseconds(40)); // runs of this silo were short lately
        return pool;
    }

    [Fact]
    public async Task A_freed_slot_goes_to_the_run_first_in_line_and_not_to_a_newcomer()
    {
        var busy = new List<int>();
        var pool = Pool(1, busy);
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(0)));
        Assert.Equal(RunAdmission.Queued, pool.Admit(Run(1)));
        Assert.Equal(RunAdmission.NoSlot, pool.Admit(Run(2))); // one run per slot waits in line

        var granted = Task.Run(() => pool.Wait(Run(1), CancellationToken.None));
        pool.Release(Run(0));

        Assert.True(await granted.WaitAsync(TimeSpan.FromSeconds(10)), "the run in line was not handed the slot");
        Assert.Equal([Run(1)], pool.Held);
        Assert.Equal(RunAdmission.Queued, pool.Admit(Run(2))); // the newcomer waits: the slot is Run(1)'s
        Assert.Equal([Run(1)], pool.Held);
        // Handed on: the gauge saw one slot taken, and never a free one.
        Assert.Equal([1], busy);
    }

    [Fact]
    public void A_run_drained_while_in_line_leaves_it_and_the_slot_stays_with_its_holder()
    {
        var busy = new List<int>();
        var pool = Pool(1, busy);
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(0)));
        Assert.Equal(RunAdmission.Queued, pool.Admit(Run(1)));
        using var drain = new CancellationTokenSource();
        drain.Cancel();

        Assert.False(pool.Wait(Run(1), drain.Token));
        pool.Release(Run(1)); // the grain gives back what the run held: nothing

        Assert.Equal([Run(0)], pool.Held);
        pool.Release(Run(0));
        Assert.Empty(pool.Held);
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(2)));
        Assert.Equal([1, -1, 1], busy);
    }

    [Fact]
    public void A_run_takes_a_free_slot_rather_than_waiting_and_admitting_it_again_answers_where_it_is()
    {
        var busy = new List<int>();
        var pool = Pool(2, busy);
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(0)));
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(1)));
        Assert.Equal(RunAdmission.Queued, pool.Admit(Run(2)));
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(0)));
        Assert.Equal(RunAdmission.Queued, pool.Admit(Run(2)));
        pool.Release(Run(0)); // to the run in line
        pool.Release(Run(1)); // free

        Assert.Equal(RunAdmission.Training, pool.Admit(Run(3)));
        Assert.Equal([Run(2), Run(3)], pool.Held.OrderBy(r => r.Replicate));
        Assert.Equal([1, 1, -1, 1], busy);
    }

    [Theory]
    [InlineData(0, 40)] // zero: never
    [InlineData(2, 2500)] // runs longer than the limit
    [InlineData(2, -1)] // no run timed yet
    public void Runs_never_wait_in_line_unless_recent_runs_were_shorter_than_the_limit(double queueBelowSeconds, double heldMs)
    {
        var pool = new SlotPool(1, TimeSpan.FromSeconds(queueBelowSeconds));
        if (heldMs >= 0) pool.Timed(TimeSpan.FromMilliseconds(heldMs));
        Assert.Equal(RunAdmission.Training, pool.Admit(Run(0)));

        Assert.False(pool.Queues);
        Assert.Equal(RunAdmission.NoSlot, pool.Admit(Run(1)));
    }
}

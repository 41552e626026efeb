using Orleans.Placement;
using Orleans.Runtime;

namespace OrleansSweeps.Tests.TestSupport;

/// <summary>A grain that registers a reminder and counts the ticks it receives, for reminder-table tests.</summary>
public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan due, TimeSpan period);

    /// <summary>How many reminder ticks this activation has received.</summary>
    Task<int> Ticks();
}

[PreferLocalPlacement]
public sealed class ReminderGrain : Grain, IReminderGrain, IRemindable
{
    private int _ticks;

    public async Task Register(string name, TimeSpan due, TimeSpan period) => await this.RegisterOrUpdateReminder(name, due, period);

    public Task<int> Ticks() => Task.FromResult(_ticks);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        return Task.CompletedTask;
    }
}

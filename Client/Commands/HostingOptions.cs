using System.CommandLine;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>The options of the verbs that host a silo (<c>run</c>, <c>resume</c>, <c>silo</c>).</summary>
internal sealed class HostingOptions
{
    public StoreOptions Stores { get; } = new();

    public Option<string?> Device { get; } = CommonOptions.Device();

    public Option<int?> Slots { get; } = CommonOptions.Slots();

    public Option<int?> Threads { get; } = CommonOptions.Threads();

    public Option<double?> CheckpointInterval { get; } = CommonOptions.CheckpointInterval();

    public LifecycleOptions Lifecycle { get; } = new();

    public void AddTo(Command command)
    {
        Stores.AddTo(command);
        command.Options.Add(Device);
        command.Options.Add(Slots);
        command.Options.Add(Threads);
        command.Options.Add(CheckpointInterval);
        Lifecycle.AddTo(command);
    }

    public SiloSettings Read(ParseResult parse) =>
        new(Stores.Read(parse), parse.GetValue(Device), parse.GetValue(Slots), parse.GetValue(Threads), parse.GetValue(CheckpointInterval))
        {
            Lifecycle = Lifecycle.Read(parse),
        };
}

internal sealed record SiloSettings(StoreSettings Stores, string? Device, int? Slots, int? Threads, double? CheckpointInterval)
{
    /// <summary>Health endpoints and grace period (default: none, no limit).</summary>
    public LifecycleSettings Lifecycle { get; init; } = new(null, Timeout.InfiniteTimeSpan);
}

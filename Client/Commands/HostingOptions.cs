using System.CommandLine;

namespace OrleansSweeps.Client.Commands;

/// <summary>The options of the verbs that host a silo (<c>run</c>, <c>resume</c>).</summary>
internal sealed class HostingOptions
{
    public Option<string> Home { get; } = CommonOptions.Home();

    public Option<string?> Device { get; } = CommonOptions.Device();

    public Option<int?> Slots { get; } = CommonOptions.Slots();

    public Option<int?> Threads { get; } = CommonOptions.Threads();

    public Option<double?> CheckpointInterval { get; } = CommonOptions.CheckpointInterval();

    public LifecycleOptions Lifecycle { get; } = new();

    public void AddTo(Command command)
    {
        command.Options.Add(Home);
        command.Options.Add(Device);
        command.Options.Add(Slots);
        command.Options.Add(Threads);
        command.Options.Add(CheckpointInterval);
        Lifecycle.AddTo(command);
    }

    public SiloSettings Read(ParseResult parse) =>
        new(parse.GetValue(Home)!, parse.GetValue(Device), parse.GetValue(Slots), parse.GetValue(Threads), parse.GetValue(CheckpointInterval))
        {
            Lifecycle = Lifecycle.Read(parse),
        };
}

internal sealed record SiloSettings(string Home, string? Device, int? Slots, int? Threads, double? CheckpointInterval)
{
    /// <summary>Health endpoints and grace period (default: none, no limit).</summary>
    public LifecycleSettings Lifecycle { get; init; } = new(null, Timeout.InfiniteTimeSpan);
}

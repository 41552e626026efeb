using System.CommandLine;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

internal static class CommonOptions
{
    public static Option<string> Home() => new("--home")
    {
        Description = "Directory of the embedded store (sweeps, runs, checkpoints, results)",
        DefaultValueFactory = _ => SweepHome.DefaultRoot,
    };

    public static Argument<string> Spec() => new("spec") { Description = "Sweep spec (YAML)" };
}

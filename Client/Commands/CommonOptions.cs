using System.CommandLine;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

internal static class CommonOptions
{
    public static Option<string> Home() => new("--home")
    {
        Description = "Directory of the embedded store: ledger.db (SQLite) and blobs/ (specs, runs, checkpoints, results)",
        DefaultValueFactory = _ => SweepHome.DefaultRoot,
    };

    public static Argument<string> Spec() => new("spec") { Description = "Sweep spec (YAML)" };

    public static Argument<string> Sweep() => new("sweep") { Description = "Sweep id (printed by `sweeps run`, listed by `sweeps status`)" };

    public static Option<string?> Device() => new("--device") { Description = "cpu, cuda or cuda:i (default: the spec's device, else cpu)" };

    public static Option<int?> Slots() => new("--slots") { Description = "Runs trained at once (default: the processor count; with CUDA, the GPU count)" };

    public static Option<int?> Threads() => new("--threads")
    {
        Description = "libtorch intra-op threads of the process (default 1; results are identical for any --slots at the same --threads)",
    };

    public static Option<double?> CheckpointInterval() => new("--checkpoint-interval")
    {
        Description = "Least seconds between a run's periodic checkpoints (default 10; 0: every checkpoint_every updates). A drain always checkpoints",
    };
}

using System.CommandLine;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary><c>sweeps bench …</c>: benchmarks that print ratios measured side by side in one process.</summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks of the numeric core, measured side by side in one process")
    {
        StepBench.Create(),
        GradStatsBench.Create(),
        MemoryBench.Create(),
        RegularizerBench.Create(),
        SweepBench.Create(),
        ClusterBench.Create(),
    };
}

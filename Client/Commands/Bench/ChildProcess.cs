using System.Diagnostics;

namespace OrleansSweeps.Client.Commands.Bench;

/// <summary>
/// Benchmarks that run in fresh processes: this console again, or a baseline build of it (another engine:
/// two libtorch versions cannot share a process, so engines are compared in alternating processes).
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs this console with <paramref name="args"/> (or the baseline's sweeps.dll when given); its stdout lines.</summary>
    public static string[] Run(string[] args, string? baseline = null)
    {
        ProcessStartInfo start;
        if (baseline is not null)
        {
            if (!File.Exists(baseline)) throw new UsageException($"--baseline {baseline}: no such file (expected a sweeps.dll of another build)");
            start = new ProcessStartInfo("dotnet");
            start.ArgumentList.Add(baseline);
        }
        else
        {
            start = BenchKit.ThisConsole([]);
        }
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != ExitCodes.Ok)
            throw new InvalidOperationException($"{(baseline ?? "sweeps")} {string.Join(' ', args)} exited {child.ExitCode}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}

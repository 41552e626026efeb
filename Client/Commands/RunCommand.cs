using System.CommandLine;
using System.Text.RegularExpressions;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Silo.Hosting;
using OrleansSweeps.Silo.Storage;

namespace OrleansSweeps.Client.Commands;

/// <summary>
/// <c>sweeps run SPEC.yaml [--home DIR] [--id NAME] [--device cpu|cuda[:i]] [--threads N]</c>: expands the
/// grid, runs every point × replicate in this process, writes curves under the home, prints a summary
/// and the sweep id. Running it again continues an interrupted sweep.
/// </summary>
internal static partial class RunCommand
{
    public static Command Create()
    {
        var spec = CommonOptions.Spec();
        var home = CommonOptions.Home();
        var id = new Option<string?>("--id") { Description = "Sweep id (default: spec name + hash of the spec text)" };
        var device = new Option<string?>("--device") { Description = "cpu, cuda or cuda:i (default: the spec's device, else cpu)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: all cores)" };
        var command = new Command("run", "Run a sweep in this process") { spec, home, id, device, threads };
        // Work runs off the signal-handling thread so Ctrl-C / SIGTERM can cancel it and wait for the checkpoint.
        command.SetAction((parse, cancel) => Task.Run(() => ErrorReporting.Run(() =>
            Execute(parse.GetValue(spec)!, parse.GetValue(home)!, parse.GetValue(id), parse.GetValue(device), parse.GetValue(threads), cancel))));
        return command;
    }

    private static int Execute(string specPath, string homePath, string? id, string? device, int? threads, CancellationToken cancel)
    {
        var sweep = SpecLoader.LoadFile(specPath);
        if (id is not null && !IdPattern().IsMatch(id)) throw new UsageException($"--id '{id}': use 1–100 characters of A-Z a-z 0-9 . _ -");
        if (device is not null) CheckDevice(device);
        if (threads is < 1) throw new UsageException($"--threads {threads}: must be at least 1");
        NativeRuntime.SetThreads(threads ?? Environment.ProcessorCount);
        foreach (var wanted in sweep.Points.Select(p => device ?? p.Spec.Device).Distinct()) CheckDevice(wanted);

        var sweepHome = new SweepHome(homePath);
        var sweepId = id ?? SweepHome.DefaultSweepId(sweep);
        var host = new SequentialSweepHost(sweepHome, warning => Console.Error.WriteLine($"warning: {warning}"));
        var summaries = SweepProgress.Show(sweep, sweepId, observer => host.Run(sweep, sweepId, device, observer, cancel));
        SummaryTable.Write(sweep, summaries);
        var failed = summaries.Sum(s => s.Failed);
        if (failed > 0)
        {
            Console.WriteLine($"sweep {sweepId}: {sweep.RunCount - failed} runs complete, {failed} failed (see failure.txt beside their curves); results under {sweepHome.SweepDirectory(sweepId)}");
            Console.Error.WriteLine($"error: sweep {sweepId}: {failed} of {sweep.RunCount} runs failed");
            return ExitCodes.Failed;
        }
        Console.WriteLine($"sweep {sweepId}: {sweep.RunCount} runs complete; curves under {sweepHome.SweepDirectory(sweepId)}");
        return ExitCodes.Ok;
    }

    private static void CheckDevice(string device)
    {
        if (device == "cpu") return;
        if (!DevicePattern().IsMatch(device)) throw new UsageException($"--device '{device}': expected cpu, cuda or cuda:i");
        var count = NativeRuntime.CudaDeviceCount();
        var index = device == "cuda" ? 0 : int.Parse(device.AsSpan(5));
        if (index >= count)
            throw new UsageException($"device '{device}': this machine's libtorch sees {count} CUDA device(s)");
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^cuda(:[0-9]+)?$")]
    private static partial Regex DevicePattern();
}

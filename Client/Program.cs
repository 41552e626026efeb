using System.CommandLine;
using OrleansSweeps.Client.Commands;
using OrleansSweeps.Client.Commands.Bench;

namespace OrleansSweeps.Client;

public static class Program
{
    /// <summary>
    /// How long Ctrl-C / SIGTERM waits for a graceful stop (finish the current step, save a checkpoint)
    /// before the process exits anyway.
    /// </summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(60);

    public static Task<int> Main(string[] args) =>
        Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = GracePeriod });

    public static RootCommand Build()
    {
        var root = new RootCommand("OrleansSweeps: sweeps of neural-network trainings and their gradient statistics (GSNR, OSGR, MGS).");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ResumeCommand.Create());
        root.Subcommands.Add(SiloCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(ResultsCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}

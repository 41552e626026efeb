using System.CommandLine;
using System.CommandLine.Help;
using OrleansSweeps.Client.Commands;
using OrleansSweeps.Client.Commands.Bench;
using OrleansSweeps.Client.Hosting;

namespace OrleansSweeps.Client;

public static class Program
{
    /// <summary>
    /// How long Ctrl-C / SIGTERM waits for a graceful stop (finish the current step, save a checkpoint)
    /// before the process exits anyway, for verbs without <c>--grace-period</c>.
    /// </summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(60);

    /// <summary>The verbs that submit sweeps or host a silo: they export telemetry when OTEL_* variables ask for it.</summary>
    public static readonly IReadOnlySet<string> TelemetryVerbs = new HashSet<string>(StringComparer.Ordinal) { "run", "resume", "silo" };

    public static async Task<int> Main(string[] args)
    {
        // No verb: the help, which lists them, with the bad-input code.
        if (args.Length == 0) return RootHelp.Write(Build().Parse("--help")) == 0 ? ExitCodes.BadInput : ExitCodes.Failed;
        var parse = Build().Parse(args);
        if (parse.Action is HelpAction && parse.CommandResult.Command is RootCommand) return RootHelp.Write(parse);
        if (parse.Errors.Count > 0)
        {
            // One line and the bad-input code, as for every other mistake.
            Console.Error.WriteLine($"error: {ParseErrors.Describe(parse)}");
            return ExitCodes.BadInput;
        }
        using var telemetry = parse.Errors.Count == 0 && TelemetryVerbs.Contains(parse.CommandResult.Command.Name) ? OtlpExport.Start() : null;
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = LifecycleOptions.TerminationTimeout(parse, GracePeriod) })
            .ConfigureAwait(false);
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("OrleansSweeps: sweeps of neural-network trainings and their gradient statistics (GSNR, OSGR, MGS).");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ResumeCommand.Create());
        root.Subcommands.Add(SiloCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(ResultsCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}

using System.CommandLine;
using OrleansSweeps.Client.Commands;

namespace OrleansSweeps.Client;

public static class Program
{
    public static Task<int> Main(string[] args) => Build().Parse(args).InvokeAsync();

    public static RootCommand Build()
    {
        var root = new RootCommand("OrleansSweeps: sweeps of neural-network trainings and their gradient statistics (GSNR, OSGR, MGS).");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        return root;
    }
}

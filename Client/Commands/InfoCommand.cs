using System.CommandLine;
using OrleansSweeps.Engine.Interop;

namespace OrleansSweeps.Client.Commands;

/// <summary><c>sweeps info</c>: the numeric core's configuration (libtorch, threads, BLAS, CUDA devices).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Show the numeric core's configuration: libtorch version, threads, BLAS, CUDA devices");
        command.SetAction(_ => ErrorReporting.Run(() =>
        {
            Console.WriteLine(NativeRuntime.Describe());
            return ExitCodes.Ok;
        }));
        return command;
    }
}

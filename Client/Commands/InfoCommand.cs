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
            // The threads above are libtorch's default in a bare process; the verbs that train set their own.
            Console.WriteLine($"run, resume and silo train with --threads intra-op threads (default 1), whatever the default above; this machine has {Environment.ProcessorCount} cores");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

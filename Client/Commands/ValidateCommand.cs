using System.CommandLine;
using OrleansSweeps.Client.Display;
using OrleansSweeps.Contracts.Specs;

namespace OrleansSweeps.Client.Commands;

/// <summary><c>sweeps validate SPEC.yaml</c>: checks a spec and the data files it reads on this machine, and prints what it would run; writes nothing.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var spec = CommonOptions.Spec();
        var command = new Command("validate", "Check a sweep spec (and that its data files are on this machine) and show its grid; writes nothing") { spec };
        command.SetAction(parse => ErrorReporting.Run(() =>
        {
            var sweep = SpecLoader.LoadFile(parse.GetValue(spec)!);
            DataCheck.Require(sweep);
            Console.WriteLine($"{sweep.SourcePath}: ok — sweep '{sweep.Name}', {Counted.Of(sweep.Points.Count, "point")}, {Counted.Of(sweep.RunCount, "run")}");
            foreach (var axis in sweep.Grid) Console.WriteLine($"  grid {axis.Path}: {string.Join(", ", axis.Values)}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}

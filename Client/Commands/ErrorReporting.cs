using Orleans.Runtime;
using OrleansSweeps.Contracts.Specs;
using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Grains.Sweeps;
using OrleansSweeps.Silo.Hosting;

namespace OrleansSweeps.Client.Commands;

/// <summary>Turns any failure into one line on stderr and an exit code.</summary>
internal static class ErrorReporting
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (SpecException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (UsageException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (UnknownSweepException e)
        {
            return Fail(e.Message, ExitCodes.BadInput);
        }
        catch (DrainTimeoutException e)
        {
            return Fail(e.Message, ExitCodes.DrainTimedOut);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: checkpoints saved; run the same command again to continue");
            return ExitCodes.Interrupted;
        }
        // Orleans' own (a cluster with no gateway, a silo that stopped answering) and its timed-out calls are failures too.
        catch (Exception e) when (e is NativeException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException
                                      or OrleansException or TimeoutException)
        {
            return Fail(e.Message, ExitCodes.Failed);
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
        return code;
    }
}

/// <summary>A command-line mistake the parser cannot see (e.g. a malformed --device value).</summary>
internal sealed class UsageException(string message) : Exception(message);

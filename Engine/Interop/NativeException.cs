namespace OrleansSweeps.Engine.Interop;

/// <summary>What went wrong inside the numeric engine.</summary>
public enum NativeStatus
{
    Ok = 0,

    /// <summary>A caller mistake: bad shape, bad layer text, unknown device.</summary>
    InvalidArgument = 1,

    /// <summary>libtorch raised (out of memory, CUDA failure, ...).</summary>
    TorchError = 2,

    /// <summary>A serialized state does not fit this model and trainer.</summary>
    IncompatibleState = 3,

    /// <summary>The training loss became NaN or infinite (learning rate too high?).</summary>
    Diverged = 4,
    Unknown = 99,
}

/// <summary>A failure inside the numeric engine, naming the operation (e.g. <c>trainer.step</c>).</summary>
public sealed class NativeException(string operation, NativeStatus status, string message, Exception? inner = null)
    : Exception($"{operation} failed ({status}): {message}", inner)
{
    public string Operation { get; } = operation;

    public NativeStatus Status { get; } = status;

    /// <summary>The engine's own message, without the operation and status.</summary>
    public string Detail { get; } = message;
}

/// <summary>Typed engine errors, raised inside an operation and given its name by <see cref="EngineCall"/>.</summary>
internal class EngineError(NativeStatus status, string message) : Exception(message)
{
    public NativeStatus Status { get; } = status;

    public static void Require(bool condition, string message)
    {
        if (!condition) throw new EngineError(NativeStatus.InvalidArgument, message);
    }

    public static EngineError State(string message) => new(NativeStatus.IncompatibleState, message);

    public static EngineError Diverged(string message) => new(NativeStatus.Diverged, message);
}

/// <summary>Runs one engine operation and turns whatever it raises into a <see cref="NativeException"/> naming it.</summary>
internal static class EngineCall
{
    public static T Run<T>(string operation, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (NativeException)
        {
            throw;
        }
        catch (EngineError e)
        {
            throw new NativeException(operation, e.Status, e.Message, e);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            // libtorch's own errors reach .NET as ExternalException; its message's first line says what failed.
            throw new NativeException(operation, NativeStatus.TorchError, e.Message.Split('\n')[0], e);
        }
    }

    public static void Run(string operation, Action body) => Run(operation, () =>
    {
        body();
        return 0;
    });
}

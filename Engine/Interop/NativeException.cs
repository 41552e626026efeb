using System.Runtime.InteropServices;

namespace OrleansSweeps.Engine.Interop;

/// <summary>Status codes of gs_api.h.</summary>
public enum NativeStatus
{
    Ok = 0,
    InvalidArgument = 1,
    TorchError = 2,
    IncompatibleState = 3,

    /// <summary>The training loss became NaN or infinite (learning rate too high?).</summary>
    Diverged = 4,
    Unknown = 99,
}

/// <summary>A failure inside the numeric core, naming the native operation (e.g. <c>gs_trainer_step</c>).</summary>
public sealed class NativeException(string operation, NativeStatus status, string message)
    : Exception($"{operation} failed ({status}): {message}")
{
    public string Operation { get; } = operation;

    public NativeStatus Status { get; } = status;

    /// <summary>The numeric core's own message, without the operation and status.</summary>
    public string Detail { get; } = message;
}

internal static class Native
{
    /// <summary>Throws a <see cref="NativeException"/> for a non-zero status; the message comes from gs_last_error.</summary>
    public static void Check(int status, string operation)
    {
        if (status == 0) return;
        var text = Marshal.PtrToStringUTF8(NativeMethods.LastError()) ?? "(no message)";
        // The native message starts with "gs_op: "; keep only what follows.
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        throw new NativeException(operation, (NativeStatus)status, colon >= 0 ? text[(colon + 2)..] : text);
    }
}

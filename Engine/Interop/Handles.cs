using Microsoft.Win32.SafeHandles;

namespace OrleansSweeps.Engine.Interop;

internal sealed class ModelHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ModelFree(handle);
        return true;
    }
}

internal sealed class DataHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.DataFree(handle);
        return true;
    }
}

internal sealed class TrainerHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.TrainerFree(handle);
        return true;
    }
}

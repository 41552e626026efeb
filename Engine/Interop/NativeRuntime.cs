namespace OrleansSweeps.Engine.Interop;

/// <summary>Process-wide facts and settings of the numeric core.</summary>
public static class NativeRuntime
{
    /// <summary>libtorch version, thread count, CUDA devices and libtorch's build configuration (BLAS etc.).</summary>
    public static unsafe string Describe()
    {
        Native.Check(NativeMethods.RuntimeInfo(null, 0, out var needed), "gs_runtime_info");
        var buffer = new byte[needed];
        fixed (byte* p = buffer)
        {
            Native.Check(NativeMethods.RuntimeInfo(p, needed, out _), "gs_runtime_info");
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, (int)needed - 1);
    }

    /// <summary>Sets libtorch's intra-op thread count (the BLAS and convolution threads).</summary>
    public static void SetThreads(int threads) => Native.Check(NativeMethods.RuntimeSetThreads(threads), "gs_runtime_set_threads");

    public static int CudaDeviceCount()
    {
        Native.Check(NativeMethods.RuntimeCudaDeviceCount(out var count), "gs_runtime_cuda_device_count");
        return count;
    }
}

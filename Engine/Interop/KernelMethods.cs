using System.Runtime.InteropServices;

namespace OrleansSweeps.Engine.Interop;

/// <summary>P/Invoke declarations of Engine/kernels/include/gsk_api.h. Keep in step with that header.</summary>
internal static unsafe partial class KernelMethods
{
    private const string Library = "gskernels";

    [StructLayout(LayoutKind.Sequential)]
    internal struct Conv
    {
        public long In, Out, Kernel, Stride, Pad;
        public long Height, Width, OutH, OutW;
    }

    [LibraryImport(Library, EntryPoint = "gsk_conv_moments_f32")]
    internal static partial int ConvMoments(in Conv conv, float* x, float* delta, long first, long last, int signs, double* sums);

    [LibraryImport(Library, EntryPoint = "gsk_conv_moments_f64")]
    internal static partial int ConvMoments(in Conv conv, double* x, double* delta, long first, long last, int signs, double* sums);

    [LibraryImport(Library, EntryPoint = "gsk_winsorized_linear_f32")]
    internal static partial int WinsorizedLinear(float* a, float* delta, long b, long input, long output, long c, long first, long last, float* weight);

    [LibraryImport(Library, EntryPoint = "gsk_winsorized_linear_f64")]
    internal static partial int WinsorizedLinear(double* a, double* delta, long b, long input, long output, long c, long first, long last, double* weight);

    [LibraryImport(Library, EntryPoint = "gsk_winsorized_columns_f32")]
    internal static partial int WinsorizedColumns(float* g, long b, long columns, long c, long first, long last, float* mean);

    [LibraryImport(Library, EntryPoint = "gsk_winsorized_columns_f64")]
    internal static partial int WinsorizedColumns(double* g, long b, long columns, long c, long first, long last, double* mean);

    [LibraryImport(Library, EntryPoint = "gsk_runtime_configure")]
    internal static partial void RuntimeConfigure(byte* blas, long capacity);

    [LibraryImport(Library, EntryPoint = "gsk_libtorch_config")]
    internal static partial void LibtorchConfig(byte* text, long capacity);

    /// <summary>Throws for a kernel's non-zero status (a bad argument: a bug on the managed side).</summary>
    internal static void Check(int status, string kernel)
    {
        if (status != 0) throw new EngineError(NativeStatus.InvalidArgument, $"{kernel}: bad argument");
    }
}

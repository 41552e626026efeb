using System.Text.RegularExpressions;
using System.Text;
using TorchSharp;

namespace OrleansSweeps.Engine.Interop;

/// <summary>Process-wide facts and settings of the numeric engine (libtorch through TorchSharp, and our kernels).</summary>
public static partial class NativeRuntime
{
    private static readonly Lazy<string> Blas = new(Configure);

    /// <summary>
    /// Runs once before the first tensor: glibc's heap kept (no trim, no mmap), OpenBLAS on one thread
    /// (gsk_runtime_configure). Every entry of the engine that creates tensors calls it.
    /// </summary>
    internal static void EnsureConfigured() => _ = Blas.Value;

    private static unsafe string Configure()
    {
        var buffer = new byte[512];
        fixed (byte* p = buffer)
        {
            KernelMethods.RuntimeConfigure(p, buffer.Length);
        }
        return Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0));
    }

    /// <summary>libtorch version, thread count, BLAS, CUDA devices, then libtorch's build configuration.</summary>
    public static unsafe string Describe()
    {
        EnsureConfigured();
        // First a call into libtorch, which loads it: the build configuration is looked up among loaded libraries.
        var version = torch.__version__;
        var config = new byte[1 << 14];
        fixed (byte* p = config)
        {
            KernelMethods.LibtorchConfig(p, config.Length);
        }
        var text = Encoding.UTF8.GetString(config, 0, Array.IndexOf(config, (byte)0)).TrimEnd();
        return $"libtorch {version} (TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}); intra-op threads " +
               $"{torch.get_num_threads()}; libtorch's BLAS {LibtorchBlas(text)}; kernels' BLAS {Blas.Value}; cuda devices {CudaDeviceCount()}\n{text}";
    }

    /// <summary>
    /// The BLAS libtorch calls for matrix products, from its build configuration (<c>at::show_config</c>): the MKL
    /// release when it names one, else its <c>BLAS_INFO</c> (e.g. openblas), else "unknown". Ours (the kernels') is another.
    /// </summary>
    public static string LibtorchBlas(string config)
    {
        var mkl = MklVersion().Match(config);
        if (mkl.Success) return $"MKL {mkl.Groups[1].Value}";
        var info = BlasInfo().Match(config);
        return info.Success && info.Groups[1].Value != "generic" ? info.Groups[1].Value : "unknown";
    }

    [GeneratedRegex(@"Math Kernel Library Version ([0-9][0-9.]*)")]
    private static partial Regex MklVersion();

    [GeneratedRegex(@"BLAS_INFO=([^,\s]+)")]
    private static partial Regex BlasInfo();

    /// <summary>Sets libtorch's intra-op thread count (its BLAS and convolution threads, and our kernels' threads).</summary>
    public static void SetThreads(int threads) => EngineCall.Run("runtime.set_threads", () =>
    {
        EngineError.Require(threads >= 1, "threads must be >= 1");
        EnsureConfigured();
        torch.set_num_threads(threads);
    });

    public static int CudaDeviceCount()
    {
        EnsureConfigured();
        return torch.cuda.is_available() ? torch.cuda.device_count() : 0;
    }
}

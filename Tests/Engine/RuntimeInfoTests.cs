using OrleansSweeps.Engine.Interop;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Engine;

/// <summary><c>sweeps info</c> names the BLAS libtorch itself uses (its build configuration), not only our kernels' OpenBLAS.</summary>
public sealed class RuntimeInfoTests
{
    [Theory]
    [InlineData("  - Intel(R) oneAPI Math Kernel Library Version 2024.2-Product Build 20240605\n  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release", "MKL 2024.2")]
    [InlineData("  - Build settings: BLAS_INFO=open, BUILD_TYPE=Release, LAPACK_INFO=open", "open")]
    [InlineData("  - Build settings: BLAS_INFO=generic, BUILD_TYPE=Release", "unknown")]
    [InlineData("", "unknown")]
    public void Libtorch_blas_is_read_from_the_build_configuration(string config, string expected) =>
        Assert.Equal(expected, NativeRuntime.LibtorchBlas(config));

    [Fact]
    public void Info_names_libtorchs_blas_and_prints_its_build_configuration()
    {
        using var dir = new TempDirectory();
        var info = Cli.Run(dir.Path, "info");

        Assert.True(info.ExitCode == 0, info.Stderr);
        // The CPU package's libtorch is built with MKL; its configuration follows the summary line.
        Assert.Matches(@"; libtorch's BLAS MKL [0-9]{4}\.[0-9]+; kernels' BLAS OpenBLAS ", info.Stdout);
        Assert.Contains("PyTorch built with:", info.Stdout);
        Assert.Contains("run, resume and silo train with --threads intra-op threads (default 1)", info.Stdout);
    }
}

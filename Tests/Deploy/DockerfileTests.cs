using System.Text.RegularExpressions;
using OrleansSweeps.Tests.TestSupport;

namespace OrleansSweeps.Tests.Deploy;

/// <summary>The images' Dockerfiles: pinned bases, a non-root final stage, the sweeps console as entrypoint.</summary>
public sealed class DockerfileTests
{
    private static string Docker(string name) => Path.Combine(RepoPaths.Root, "docker", name);

    [Theory]
    [InlineData("silo.Dockerfile")]
    [InlineData("client.Dockerfile")]
    public void Dockerfile_pins_its_bases_runs_as_a_user_and_enters_the_sweeps_console(string name)
    {
        var problems = DockerfileChecks.Problems(File.ReadAllText(Docker(name))).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Matches("^[1-9][0-9]{3,}(:[1-9][0-9]{3,})?$", DockerfileChecks.FinalUser(Docker(name)));
    }

    [Fact]
    public void The_silo_image_defaults_to_the_silo_verb_and_takes_libtorch_from_the_cuda_package()
    {
        Assert.Equal(["silo"], DockerfileChecks.FinalCmd(Docker("silo.Dockerfile")));
        var text = File.ReadAllText(Docker("silo.Dockerfile"));
        // Restored and published with the CUDA package, and the build fails unless its libtorch came with CUDA.
        Assert.Contains("dotnet restore Client/Client.csproj -p:TorchBackend=cuda", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"dotnet publish Client/Client\.csproj [^\n]*-p:TorchBackend=cuda"), text);
        Assert.Contains("libtorch_cuda.so", text, StringComparison.Ordinal);
        Assert.Contains("libgskernels.so", text, StringComparison.Ordinal);
        // Nothing of the C++ engine's build: no libtorch archive, no Engine/native.
        Assert.DoesNotContain("LIBTORCH_URL", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Engine/native", text, StringComparison.Ordinal);
        Assert.Contains("FROM ${CUDA_RUNTIME_IMAGE} AS runtime", text, StringComparison.Ordinal);
        Assert.Contains("nvidia/cuda:", text, StringComparison.Ordinal);
        Assert.Contains("-runtime-", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dockerfile_checker_catches_unpinned_bases_root_and_a_foreign_entrypoint()
    {
        Assert.Equal(5, DockerfileChecks.Problems("""
            FROM ubuntu AS a
            FROM debian:latest
            ARG BASE=mcr.microsoft.com/dotnet/aspnet:10.0
            FROM ${BASE}
            COPY --from=a /x /x
            USER root
            ENTRYPOINT ["/bin/sh"]
            """).Count()); // ubuntu: no tag; debian: latest; aspnet: no digest; root; entrypoint
        Assert.Single(DockerfileChecks.Problems("""
            FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble@sha256:2d584d8147faddb0d678c5748d47953e5b8e18621ed4fb7049a91381d9d7746f
            ENTRYPOINT ["dotnet", "/app/sweeps.dll"]
            """)); // no USER
        Assert.Empty(DockerfileChecks.Problems("""
            FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble@sha256:2d584d8147faddb0d678c5748d47953e5b8e18621ed4fb7049a91381d9d7746f AS base
            FROM base
            # a comment \
            USER 10001
            ENTRYPOINT ["dotnet", "/app/sweeps.dll"]
            """));
    }

    [Fact]
    public void The_build_context_leaves_out_build_outputs_and_secrets()
    {
        var ignore = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore"));
        foreach (var pattern in new[] { "**/bin/", "**/obj/", "Engine/kernels/build/", ".git/", "k8s/overlays/*/secrets.env" })
            Assert.Contains(pattern, ignore);
    }
}

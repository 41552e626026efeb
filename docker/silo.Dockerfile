# syntax=docker/dockerfile:1.7
# The silo image: the `sweeps` console with the numeric engine on TorchSharp's CUDA package.
#   docker build -f docker/silo.Dockerfile -t REGISTRY/orleanssweeps/sweeps-silo:0.1.0 .
# Stages: build (.NET SDK: restores TorchSharp-cuda-linux, whose libtorch 2.10 bundles CUDA, cuDNN and NCCL, builds
# the fused kernels in Engine/kernels with CMake over OpenBLAS, publishes the console), runtime (CUDA runtime with the
# ASP.NET Core shared runtime copied in; non-root). x86_64 only: the libtorch packages are for linux x86_64.
# The restore needs a NuGet feed that serves TorchSharp-cuda-linux (nuget.org does). Every base image is pinned by tag
# and digest; bump both together.

ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.6.3-runtime-ubuntu24.04@sha256:92906d87596d638d35015c6353053121bd299d25943b875763321653884ba924
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble@sha256:35d40304542c8689331f8cab17c65926cdf48fe711e289321d71924b230a7d29
ARG DOTNET_ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble@sha256:2d584d8147faddb0d678c5748d47953e5b8e18621ed4fb7049a91381d9d7746f

FROM ${DOTNET_ASPNET_IMAGE} AS dotnet-runtime

# ---- build: the `sweeps` console with the CUDA natives, framework-dependent ----
FROM ${DOTNET_SDK_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
# The kernels are plain C++17 over raw memory and OpenBLAS (no libtorch headers): CMake, g++, OpenBLAS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake make g++ libopenblas-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props OrleansSweeps.sln ./
COPY scripts/glibcxx-weak.sh scripts/
COPY Contracts/Contracts.csproj Contracts/
COPY Engine/Engine.csproj Engine/
COPY Grains/Grains.csproj Grains/
COPY Silo/Silo.csproj Silo/
COPY Client/Client.csproj Client/
RUN dotnet restore Client/Client.csproj -p:TorchBackend=cuda
COPY Contracts/ Contracts/
COPY Engine/ Engine/
COPY Grains/ Grains/
COPY Silo/ Silo/
COPY Client/ Client/
RUN dotnet publish Client/Client.csproj -c Release --no-restore -o /out -p:UseAppHost=false -p:TorchBackend=cuda \
 && test -f /out/sweeps.dll && test -f /out/libgskernels.so \
 && ls /out/runtimes/linux-x64/native/libtorch_cuda.so

# ---- runtime ----
FROM ${CUDA_RUNTIME_IMAGE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# libopenblas0 and libgomp1: the kernels' BLAS and OpenMP; ca-certificates and libssl: HTTPS to Azure Storage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libopenblas0-pthread libgomp1 libssl3t64 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    HOME=/tmp
# The console with libtorch's CUDA libraries under runtimes/linux-x64/native (TorchSharp loads them from there).
COPY --from=build /out /app
RUN groupadd --gid 10001 sweeps \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin sweeps \
 && mkdir -p /var/lib/sweeps && chown 10001:10001 /var/lib/sweeps
WORKDIR /var/lib/sweeps
USER 10001:10001
# Silo to silo, client gateway (Orleans), health endpoints.
EXPOSE 11111 30000 8080
# The `sweeps` console; the default verb is `silo` (the StatefulSet passes `silo …` as its arguments).
ENTRYPOINT ["dotnet", "/app/sweeps.dll"]
CMD ["silo"]

# syntax=docker/dockerfile:1.7
# The silo image: the `sweeps` console with the numeric core built against PyTorch's CUDA libtorch.
#   docker build -f docker/silo.Dockerfile -t REGISTRY/orleanssweeps/sweeps-silo:0.1.0 .
# Stages: native (CUDA devel: TorchConfig.cmake of a CUDA libtorch needs the CUDA toolkit to configure),
# build (.NET SDK: publishes the console and copies libgsnative.so next to it), runtime (CUDA runtime with the
# ASP.NET Core shared runtime copied in; non-root). x86_64 only: the libtorch archive is for linux x86_64.
# Every base image is pinned by tag and digest; bump both together.

ARG CUDA_DEVEL_IMAGE=nvidia/cuda:12.6.3-devel-ubuntu24.04@sha256:392c0df7b577ecae17a17f6ba7f2009c217bb4422f8431c053ae9af61a8c148a
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.6.3-runtime-ubuntu24.04@sha256:92906d87596d638d35015c6353053121bd299d25943b875763321653884ba924
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble@sha256:35d40304542c8689331f8cab17c65926cdf48fe711e289321d71924b230a7d29
ARG DOTNET_ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble@sha256:2d584d8147faddb0d678c5748d47953e5b8e18621ed4fb7049a91381d9d7746f

FROM ${DOTNET_ASPNET_IMAGE} AS dotnet-runtime

# ---- native: libgsnative.so against libtorch 2.7.1 + CUDA 12.6 (cxx11 ABI) ----
FROM ${CUDA_DEVEL_IMAGE} AS native
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu126/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu126.zip
# SHA-256 of that archive (2,688,021,042 bytes). The build stops if the download does not match.
ARG LIBTORCH_SHA256=4a7ffb0c0f6c3b02fb14e7790143dfb2fbb2973c41f107357da57bcddd196077
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip cmake make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL --retry 5 -o /tmp/libtorch.zip "${LIBTORCH_URL}" \
 && echo "${LIBTORCH_SHA256}  /tmp/libtorch.zip" | sha256sum --check --strict - \
 && unzip -q /tmp/libtorch.zip -d /opt \
 && rm /tmp/libtorch.zip
COPY Engine/native/ /src/Engine/native/
# No GPU at build time: name the architectures instead of letting libtorch's CMake probe for a device
# (the core has no CUDA kernels of its own; this only silences the probe).
ENV TORCH_CUDA_ARCH_LIST="7.5;8.0;8.6;8.9;9.0"
RUN cmake -S /src/Engine/native -B /native/build -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=/opt/libtorch \
 && cmake --build /native/build -j"$(nproc)" \
 && test -f /native/build/libgsnative.so

# ---- build: the `sweeps` console, framework-dependent ----
FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props OrleansSweeps.sln ./
COPY Contracts/Contracts.csproj Contracts/
COPY Engine/Engine.csproj Engine/
COPY Grains/Grains.csproj Grains/
COPY Silo/Silo.csproj Silo/
COPY Client/Client.csproj Client/
RUN dotnet restore Client/Client.csproj
COPY Contracts/ Contracts/
COPY Engine/ Engine/
COPY Grains/ Grains/
COPY Silo/ Silo/
COPY Client/ Client/
COPY --from=native /native/build/libgsnative.so /native/build/libgsnative.so
RUN dotnet publish Client/Client.csproj -c Release --no-restore -o /out \
      -p:UseAppHost=false -p:SkipNativeBuild=true -p:NativeBuildDir=/native/build \
 && test -f /out/sweeps.dll && test -f /out/libgsnative.so

# ---- runtime ----
FROM ${CUDA_RUNTIME_IMAGE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# libgomp1: the core's OpenMP; ca-certificates and libssl: HTTPS to Azure Storage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libgomp1 libssl3t64 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# libtorch's libraries (with the CUDA, cuDNN and NCCL builds it bundles); libgsnative.so finds them here.
COPY --from=native /opt/libtorch/lib /opt/libtorch/lib
ENV LD_LIBRARY_PATH=/opt/libtorch/lib \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    HOME=/tmp
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

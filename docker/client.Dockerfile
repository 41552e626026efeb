# syntax=docker/dockerfile:1.7
# The client image: the `sweeps` console for submitting sweeps (run --detach), status, results, reports and
# validation against a cluster's ledger and blob store. CPU only and without the numeric core (libgsnative):
# training happens on the silos, so verbs that train or benchmark (run without --detach, bench) belong there.
#   docker build -f docker/client.Dockerfile -t REGISTRY/orleanssweeps/sweeps-client:0.1.0 .

ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.401-noble@sha256:35d40304542c8689331f8cab17c65926cdf48fe711e289321d71924b230a7d29
ARG DOTNET_ASPNET_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0.12-noble@sha256:2d584d8147faddb0d678c5748d47953e5b8e18621ed4fb7049a91381d9d7746f

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
RUN dotnet publish Client/Client.csproj -c Release --no-restore -o /out -p:UseAppHost=false -p:SkipNativeBuild=true \
 && test -f /out/sweeps.dll

FROM ${DOTNET_ASPNET_IMAGE} AS runtime
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    HOME=/tmp
COPY --from=build /out /app
RUN groupadd --gid 10001 sweeps \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin sweeps \
 && mkdir -p /var/lib/sweeps && chown 10001:10001 /var/lib/sweeps
WORKDIR /var/lib/sweeps
USER 10001:10001
ENTRYPOINT ["dotnet", "/app/sweeps.dll"]
CMD ["--help"]

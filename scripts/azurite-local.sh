#!/usr/bin/env bash
# Runs a private Azurite blob service on loopback for demos and scripts/local-cluster.sh:
#   scripts/azurite-local.sh start DIR [PORT]   start it (data in DIR/data, log DIR/azurite.log, pid DIR/azurite.pid),
#                                               wait until it listens, print the SWEEPS_BLOB_CONNECTION to export
#   scripts/azurite-local.sh stop DIR           stop it gracefully (SIGTERM; it saves its data), SIGKILL after 10 s
# PORT defaults to 10000. The account is Azurite's well-known development account (devstoreaccount1).
# --skipApiVersionCheck: the Azure SDK speaks a newer service version than Azurite knows.
# Azurite comes from scripts/fetch-azurite.sh (run by scripts/setup.sh).
set -euo pipefail

usage() { echo "usage: $0 start DIR [PORT] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1 dir=$2 port=${3:-10000}
pidfile="$dir/azurite.pid"
azurite_dir="${SWEEPS_AZURITE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/orleans-sweeps/azurite}"
dev_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

case "$action" in
  start)
    if running; then echo "azurite-local: already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
    "$(dirname "$0")/fetch-azurite.sh"
    mkdir -p "$dir/data"
    "$azurite_dir/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --location "$dir/data" \
      --silent --disableTelemetry --skipApiVersionCheck >"$dir/azurite.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 150); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "export SWEEPS_BLOB_CONNECTION='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$dev_key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;'"
        exit 0
      fi
      running || { cat "$dir/azurite.log" >&2; echo "azurite-local: Azurite exited at start" >&2; exit 1; }
      sleep 0.2
    done
    echo "azurite-local: Azurite is not listening on 127.0.0.1:$port after 30 s (log: $dir/azurite.log)" >&2
    exit 1
    ;;
  stop)
    running || { rm -f "$pidfile"; exit 0; }
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; exit 0; }; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
    ;;
  *) usage ;;
esac

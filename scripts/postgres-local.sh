#!/usr/bin/env bash
# A private PostgreSQL cluster on loopback, for the tests, scripts/local-cluster.sh and demos.
#
#   scripts/postgres-local.sh start DIR [PORT]   create the cluster in DIR if new (initdb), start it, wait until it accepts connections
#   scripts/postgres-local.sh stop DIR [MODE]    stop it (MODE: fast, the default, or immediate = crash-like)
#   scripts/postgres-local.sh url DIR [DATABASE] print postgresql://sweeps:PASSWORD@127.0.0.1:PORT/DATABASE (default: postgres)
#   scripts/postgres-local.sh status DIR         exit 0 when it runs
#
# DIR holds data/ (the cluster), postgres.log, port and the Unix socket. The server listens on 127.0.0.1 only,
# at PORT (a free one is picked on first start and kept in DIR/port), with fsync off: fast, and not meant to
# survive a machine crash. The superuser is 'sweeps', password $SWEEPS_PG_PASSWORD (default 'sweeps'),
# checked (scram-sha-256) over TCP; the Unix socket in DIR trusts local users.
# PostgreSQL refuses to run as root: as root, the server runs as $SWEEPS_PG_USER (default sweeps-pg, a system
# user created here when missing) and DIR is given to that user; its parent directories must let it pass.
# Binaries: $PG_BIN, else the newest /usr/lib/postgresql/*/bin (scripts/setup.sh installs postgresql-15).
set -euo pipefail

usage() { sed -n '4,7p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || usage
command=$1
dir=$(realpath -m "$2")
data=$dir/data

pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/pg_ctl" ] || { echo "postgres-local: no PostgreSQL binaries (set PG_BIN or run scripts/setup.sh)" >&2; exit 1; }

# Runs a command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=${SWEEPS_PG_USER:-sweeps-pg}
  if ! getent passwd "$owner" >/dev/null; then
    # Two scripts may race to create it: the loser finds it there.
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$owner" 2>/dev/null \
      || getent passwd "$owner" >/dev/null \
      || { echo "postgres-local: cannot create the system user '$owner'" >&2; exit 1; }
  fi
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" || { echo "$port"; return; }
  done
  echo "postgres-local: found no free port" >&2; exit 1
}

create() {
  local port=$1 password=${SWEEPS_PG_PASSWORD:-sweeps}
  mkdir -p "$dir"
  [ "$(id -u)" -ne 0 ] || chown "$owner" "$dir"
  chmod 700 "$dir"
  as_owner test -w "$dir" || { echo "postgres-local: '$dir' cannot be written by user '$owner' (check its parent directories)" >&2; exit 1; }
  local pwfile
  pwfile=$(mktemp "$dir/.pw.XXXXXX")
  printf '%s\n' "$password" >"$pwfile"
  [ "$(id -u)" -ne 0 ] || chown "$owner" "$pwfile"
  as_owner "$pg_bin/initdb" -D "$data" -U sweeps --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; echo "postgres-local: initdb failed, see $dir/initdb.log" >&2; exit 1; }
  rm -f "$pwfile"
  cat >>"$data/postgresql.conf" <<EOF

# scripts/postgres-local.sh: loopback only; fsync off: survives a server crash, not a machine crash.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
full_page_writes = off
EOF
  echo "$port" >"$dir/port"
}

case $command in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then create "${3:-$(pick_port)}"; fi
    port=$(cat "$dir/port")
    if as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then exit 0; fi
    port_in_use "$port" && { echo "postgres-local: port $port on 127.0.0.1 is taken by another program" >&2; exit 1; }
    as_owner "$pg_bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
      || { echo "postgres-local: PostgreSQL did not start, see $dir/postgres.log" >&2; tail -n 5 "$dir/postgres.log" >&2; exit 1; }
    ;;
  stop)
    mode=${3:-fast}
    [ -f "$data/PG_VERSION" ] || exit 0
    if as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$pg_bin/pg_ctl" -D "$data" -m "$mode" -w -t 60 stop >/dev/null
    fi
    ;;
  url)
    [ -f "$dir/port" ] || { echo "postgres-local: no cluster in '$dir' (run start first)" >&2; exit 1; }
    echo "postgresql://sweeps:${SWEEPS_PG_PASSWORD:-sweeps}@127.0.0.1:$(cat "$dir/port")/${3:-postgres}"
    ;;
  status)
    as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1
    ;;
  *) usage ;;
esac

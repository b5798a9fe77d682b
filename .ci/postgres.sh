#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: trust auth, 127.0.0.1 only, everything in one temp dir.
#
#   eval "$(.ci/postgres.sh start)"   # starts it; exports OKRBOT_TEST_POSTGRES_URL and OKRBOT_PG_DIR
#   .venv/bin/pytest tests/storage     # the postgres-parametrized tests now run too
#   .ci/postgres.sh stop               # stops it and deletes its files (uses $OKRBOT_PG_DIR)
#
# `start` installs the Debian postgresql package first if no server binaries are found (needs root + apt).
# OKRBOT_PG_PORT picks the port (default: the first free one from 54329 up). Run as root, the server runs as
# the `postgres` system user; run as anyone else, it runs as that user. The superuser is always `postgres`.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

pg_bindir() {
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$initdb" ]] && dirname "$initdb"
}

ensure_installed() {
    if [[ -z "$(pg_bindir)" ]]; then
        log "no PostgreSQL server found under /usr/lib/postgresql; installing it with apt-get"
        apt-get update >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
    fi
    [[ -n "$(pg_bindir)" ]] || { log "PostgreSQL server binaries still missing"; exit 1; }
}

# Runs a command as the cluster's owner.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - "$1" <<'PY'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[1]) + 100):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
else:
    sys.exit("no free port found")
PY
}

start() {
    ensure_installed
    cd /  # the server's user may not be allowed into the caller's directory
    local bin dir port
    bin=$(pg_bindir)
    port=${OKRBOT_PG_PORT:-$(free_port 54329)}
    dir=$(mktemp -d /tmp/okrbot-pg.XXXXXX)
    if [[ "$(id -u)" == 0 ]]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    # fsync=off: a throwaway cluster need not survive a power cut, and tests create many databases.
    if ! as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
        start >&2; then
        cat "$dir/server.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    log "$("$bin/postgres" --version) on 127.0.0.1:$port, files in $dir"
    echo "export OKRBOT_PG_DIR=$dir"
    echo "export OKRBOT_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
}

stop() {
    cd /
    local dir=${1:-${OKRBOT_PG_DIR:-}}
    [[ -n "$dir" && -d "$dir/data" ]] || { log "nothing to stop (OKRBOT_PG_DIR is unset or gone)"; return 0; }
    as_owner "$(pg_bindir)/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2 || true
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac

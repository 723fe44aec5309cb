#!/usr/bin/env bash
# deploy/pg.sh — a private PostgreSQL 15 cluster in a folder of the checkout.
#
#   deploy/pg.sh start DIR PORT   init (first time) and start; waits until ready
#   deploy/pg.sh stop DIR         fast shutdown; nothing when not running
#   deploy/pg.sh kill9 DIR        kill -9 the postmaster (fault tests)
#   deploy/pg.sh status DIR       exit 0 when running
#   deploy/pg.sh standby DIR PORT PRIMARY_DIR PRIMARY_PORT
#                                 a hot standby of the cluster in PRIMARY_DIR
#                                 (pg_basebackup, streaming), started
#   deploy/pg.sh promote DIR      the standby becomes a primary
#
# No system service and no global configuration are touched: data in
# DIR/data, socket in DIR/sock, log in DIR/log. PostgreSQL refuses to run as
# root, so under root the cluster belongs to Debian's `postgres` user. It
# listens on 127.0.0.1:PORT and on the socket, with trust authentication:
# a development and test cluster, never a production one.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin
cmd=${1:?usage: pg.sh start|stop|kill9|status|standby|promote DIR [PORT]}
DIR=$(mkdir -p "${2:?DIR}" && cd "$2" && pwd)
PORT=${3:-55432}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The postmaster of postmaster.pid is alive: not gone, and not a zombie
# (after kill -9 it can linger unreaped for a while and fool pg_ctl status).
running() {
    local pid
    pid=$(head -1 "$DIR/data/postmaster.pid" 2>/dev/null || true)
    [ -n "$pid" ] && [ -e "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

case "$cmd" in
start)
    mkdir -p "$DIR/data" "$DIR/sock" "$DIR/log"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres:postgres "$DIR"
        chmod 700 "$DIR/data"
        if ! runuser -u postgres -- test -x "$DIR"; then
            echo "pg.sh: the postgres user cannot reach $DIR (check the permissions of its parents)" >&2
            exit 1
        fi
    fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/log/initdb.log"
        cat >>"$DIR/data/postgresql.conf" <<CONF
# set by deploy/pg.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR/sock'
max_connections = 300
shared_buffers = 256MB
logging_collector = off
CONF
    fi
    if running; then
        exit 0
    fi
    # After kill -9 the lock file names a dead (or zombie) postmaster: it is stale.
    rm -f "$DIR/data/postmaster.pid"
    # Orphaned backends may hold the old shared memory for a moment: retry.
    for try in 1 2 3 4 5 6 7 8 9 10; do
        if as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log/postgresql.log" -o "-p $PORT" -w -t 60 start >/dev/null; then
            break
        fi
        [ "$try" -eq 10 ] && { echo "pg.sh: cannot start; see $DIR/log/postgresql.log" >&2; exit 1; }
        sleep 0.5
    done
    for _ in $(seq 1 100); do
        if /usr/bin/pg_isready -q -h "$DIR/sock" -p "$PORT"; then
            exit 0
        fi
        sleep 0.1
    done
    echo "pg.sh: PostgreSQL did not become ready; see $DIR/log/postgresql.log" >&2
    exit 1
    ;;
stop)
    [ -f "$DIR/data/PG_VERSION" ] || exit 0
    if running; then
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w -t 60 stop >/dev/null
    fi
    ;;
standby)
    PRIMARY=$(cd "${4:?PRIMARY_DIR}" && pwd)
    PRIMARY_PORT=${5:?PRIMARY_PORT}
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
        mkdir -p "$DIR/sock" "$DIR/log"
        [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$DIR"
        # -R: standby.signal and primary_conninfo; the copied settings name the primary's socket folder
        as_owner "$BIN/pg_basebackup" -D "$DIR/data" -R -X stream -c fast -h "$PRIMARY/sock" -p "$PRIMARY_PORT" \
            -U postgres >"$DIR/log/basebackup.log" 2>&1
        echo "unix_socket_directories = '$DIR/sock'  # set by deploy/pg.sh standby" >>"$DIR/data/postgresql.conf"
    fi
    exec "$0" start "$DIR" "$PORT"
    ;;
promote)
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -w -t 60 promote >/dev/null
    ;;
kill9)
    pid=$(head -1 "$DIR/data/postmaster.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
    ;;
status)
    running
    ;;
*)
    echo "usage: pg.sh start|stop|kill9|status|standby|promote DIR [PORT]" >&2
    exit 2
    ;;
esac

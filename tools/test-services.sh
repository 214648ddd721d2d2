#!/usr/bin/env bash
# Start or stop private, loopback-only instances of the real services the
# functional tests use: MariaDB, PostgreSQL and RabbitMQ.
#
#   tools/test-services.sh install [pkg..] apt-get install what is missing
#                                         (default: the servers' packages)
#   tools/test-services.sh start [svc..]  start (default: mariadb postgresql rabbitmq);
#                                         instances already running are kept
#   tools/test-services.sh restart [svc..] stop everything, start afresh
#   tools/test-services.sh stop           stop exactly what start started
#   tools/test-services.sh env            print the environment for the tests
#
# Every instance lives under $MASAKARI_TEST_SERVICES_DIR (default
# .test-services/ in the repository) so two runs never share state; the PIDs
# started are recorded there and only those are stopped.  The file
# $DIR/env holds the URLs the tests read (MASAKARI_TEST_MYSQL_URL,
# MASAKARI_TEST_POSTGRESQL_URL, MASAKARI_TEST_TRANSPORT_URL).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${MASAKARI_TEST_SERVICES_DIR:-$TOP/.test-services}
ENVFILE=$DIR/env
DEB_PACKAGES=(mariadb-server postgresql rabbitmq-server)

log() { printf '[test-services] %s\n' "$*" >&2; }

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

wait_for() {  # wait_for <seconds> <description> <command...>
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            log "timed out waiting for $what"
            return 1
        fi
        sleep 0.2
    done
}

need_root_for_apt() {
    if [ "$(id -u)" != 0 ]; then
        log "not root: cannot apt-get install $*; install them by hand"
        return 1
    fi
}

install_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    need_root_for_apt "${missing[@]}"
    local created_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        # Keep postinst scripts from starting the packages' system instances.
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        created_policy=1
    fi
    log "apt-get install ${missing[*]}"
    # Wait (bounded) for another apt/dpkg run to release its lock.
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
    [ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
    return 0
}

record() { echo "$1 $2" >> "$DIR/pids"; }
setenv() { echo "export $1='$2'" >> "$ENVFILE"; }

start_mariadb() {
    local d=$DIR/mariadb port
    port=$(free_port)
    mkdir -p "$d"
    mariadb-install-db --datadir="$d/data" --auth-root-authentication-method=normal >"$d/install.log" 2>&1
    mariadbd --no-defaults --datadir="$d/data" --socket="$d/sock" --pid-file="$d/pid" \
        --port="$port" --bind-address=127.0.0.1 --user=root \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --innodb-flush-log-at-trx-commit=0 --skip-innodb-doublewrite \
        --innodb-flush-method=nosync --sync-binlog=0 --skip-log-bin \
        --log-error="$d/error.log" >/dev/null 2>&1 &
    record mariadb $!
    wait_for 60 "mariadb socket" test -S "$d/sock"
    wait_for 30 "mariadb" mariadb-admin --no-defaults -S "$d/sock" -u root ping
    setenv MASAKARI_TEST_MYSQL_URL "mysql+pymysql://root@127.0.0.1:$port/"
    log "mariadb on 127.0.0.1:$port"
}

start_postgresql() {
    local d=$DIR/postgresql port pgbin
    port=$(free_port)
    pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | sort -V | tail -1)")
    mkdir -p "$d"
    chown postgres "$d"
    runuser -u postgres -- "$pgbin/initdb" -D "$d/data" -A trust -U postgres -E UTF8 \
        --locale=C.UTF-8 >"$d/initdb.log" 2>&1
    runuser -u postgres -- "$pgbin/postgres" -D "$d/data" -k "$d" -h 127.0.0.1 -p "$port" \
        >"$d/postgres.log" 2>&1 &
    record postgresql $!
    wait_for 60 "postgresql" runuser -u postgres -- "$pgbin/pg_isready" -h 127.0.0.1 -p "$port"
    setenv MASAKARI_TEST_POSTGRESQL_URL "postgresql+psycopg2://postgres@127.0.0.1:$port/"
    log "postgresql on 127.0.0.1:$port"
}

rabbit_env() {
    local d=$DIR/rabbitmq
    echo HOME="$d/home" RABBITMQ_NODENAME="$(cat "$d/node")" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$(cat "$d/port")" \
        RABBITMQ_DIST_PORT="$(cat "$d/distport")" RABBITMQ_MNESIA_BASE="$d/mnesia" \
        RABBITMQ_LOG_BASE="$d/log" RABBITMQ_PID_FILE="$d/rabbit.pid" ERL_EPMD_ADDRESS=127.0.0.1
}

start_rabbitmq() {
    local d=$DIR/rabbitmq port
    port=$(free_port)
    mkdir -p "$d/home" "$d/mnesia" "$d/log"
    echo "masakari$$@localhost" > "$d/node"
    echo "$port" > "$d/port"
    free_port > "$d/distport"
    if ! pgrep -x epmd >/dev/null; then touch "$d/started-epmd"; fi
    # shellcheck disable=SC2046
    env $(rabbit_env) RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
        /usr/lib/rabbitmq/bin/rabbitmq-server >"$d/server.log" 2>&1 &
    record rabbitmq $!
    # shellcheck disable=SC2046
    wait_for 120 "rabbitmq" env $(rabbit_env) /usr/lib/rabbitmq/bin/rabbitmqctl -n "$(cat "$d/node")" await_startup
    setenv MASAKARI_TEST_TRANSPORT_URL "rabbit://guest:guest@127.0.0.1:$port/"
    log "rabbitmq on 127.0.0.1:$port"
}

all_running() {  # all_running <svc...>: each one recorded and alive
    [ -f "$DIR/pids" ] && [ -f "$ENVFILE" ] || return 1
    local want name pid found
    for want in "$@"; do
        found=0
        while read -r name pid; do
            if [ "$name" = "$want" ] && kill -0 "$pid" 2>/dev/null; then
                found=1
            fi
        done < "$DIR/pids"
        [ $found = 1 ] || return 1
    done
}

stop_all() {
    [ -f "$DIR/pids" ] || return 0
    local name pid
    while read -r name pid; do
        case $name in
            rabbitmq)
                # shellcheck disable=SC2046
                env $(rabbit_env) timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$(cat "$DIR/rabbitmq/node")" stop >/dev/null 2>&1 || true
                ;;
        esac
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
        fi
    done < "$DIR/pids"
    # Wait (bounded) for each recorded process to go away.
    while read -r name pid; do
        local deadline=$((SECONDS + 30))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    done < "$DIR/pids"
    if [ -f "$DIR/rabbitmq/started-epmd" ] && [ -z "$(epmd -names 2>/dev/null | grep -v 'epmd: up')" ]; then
        epmd -kill >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    log "stopped"
}

cmd=${1:-}
shift || true
case $cmd in
    install)
        if [ $# -gt 0 ]; then install_packages "$@"; else install_packages "${DEB_PACKAGES[@]}"; fi
        ;;
    start|restart)
        services=("$@")
        [ ${#services[@]} -eq 0 ] && services=(mariadb postgresql rabbitmq)
        if [ "$cmd" = start ] && all_running "${services[@]}"; then
            log "already running: ${services[*]} (restart starts them afresh)"
            exit 0
        fi
        stop_all
        mkdir -p "$DIR"
        : > "$ENVFILE"
        for s in "${services[@]}"; do "start_$s"; done
        ;;
    stop)
        stop_all
        ;;
    env)
        cat "$ENVFILE"
        ;;
    *)
        echo "usage: $0 install [pkg ...]|start|restart [mariadb|postgresql|rabbitmq ...]|stop|env" >&2
        exit 2
        ;;
esac

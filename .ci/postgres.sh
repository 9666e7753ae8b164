#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: its own cluster in a temp folder,
# listening on 127.0.0.1 only, on a free port, trusted on loopback, fsync off. Nothing
# of the machine's own PostgreSQL set-up (if any) is touched. Its sessions run in a
# zone far from UTC, so code that forgets a datetime's zone fails here, not in use.
#
# Two ways to use it:
#   source .ci/postgres.sh; postgres_start; ...; postgres_stop
#       postgres_start exports VITALITYBOT_TEST_POSTGRES_URL and POSTGRES_CI_DIR.
#   bash .ci/postgres.sh start        # prints the URL; says on stderr how to stop it
#   bash .ci/postgres.sh stop DIR
#
# Installs Debian's postgresql package when no server binaries are found (as root).

POSTGRES_CI_ROLE=vitalitybot

_pg_say() { echo "postgres.sh: $*" >&2; }

_pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
        echo "$dir"
    fi
}

_pg_install() {
    if [[ $(id -u) -ne 0 ]]; then
        _pg_say "no PostgreSQL server found and not root: install Debian's postgresql package"
        return 1
    fi
    _pg_say "installing PostgreSQL (apt-get install postgresql)"
    # Keep the package from starting its own cluster: ours runs from a temp folder.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    local status=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends postgresql >/dev/null; } || status=$?
    if [[ $created_policy -eq 1 ]]; then rm -f "$policy"; fi
    return $status
}

# Run a command as the cluster's owner: initdb and postgres refuse to run as root.
_pg_as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

postgres_start() {
    local bindir
    bindir=$(_pg_bindir)
    if [[ -z "$bindir" ]]; then
        _pg_install || { _pg_say "ERROR: could not install PostgreSQL"; return 1; }
        bindir=$(_pg_bindir)
        [[ -n "$bindir" ]] || { _pg_say "ERROR: PostgreSQL installed but no initdb found"; return 1; }
    fi

    local dir port
    dir=$(mktemp -d /tmp/vitalitybot-pg.XXXXXX) || return 1
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || { _pg_say "ERROR: no 'postgres' user to run the server"; return 1; }
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    POSTGRES_CI_DIR=$dir
    export POSTGRES_CI_DIR

    _pg_as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
        >"$dir/initdb.log" 2>&1 \
        || { _pg_say "ERROR: initdb failed:"; cat "$dir/initdb.log" >&2; return 1; }

    port=$(_pg_free_port) || return 1
    # The socket lives in the temp folder too: /var/run/postgresql may not exist.
    _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir" \
        -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
        -o "-c max_connections=200 -c timezone=Pacific/Auckland" \
        start >/dev/null \
        || { _pg_say "ERROR: the server did not start:"; cat "$dir/server.log" >&2; return 1; }

    _pg_as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
        -v ON_ERROR_STOP=1 -c "CREATE ROLE $POSTGRES_CI_ROLE LOGIN CREATEDB" \
        -c "GRANT pg_signal_backend TO $POSTGRES_CI_ROLE" >/dev/null \
        || { _pg_say "ERROR: could not create role $POSTGRES_CI_ROLE"; return 1; }

    VITALITYBOT_TEST_POSTGRES_URL="postgresql+asyncpg://$POSTGRES_CI_ROLE@127.0.0.1:$port/postgres"
    export VITALITYBOT_TEST_POSTGRES_URL
    _pg_say "PostgreSQL $(basename "$(dirname "$bindir")") on 127.0.0.1:$port ($dir)"
}

postgres_stop() {
    local dir=${1:-${POSTGRES_CI_DIR:-}}
    [[ -n "$dir" && -d "$dir" ]] || return 0
    local bindir
    bindir=$(_pg_bindir)
    if [[ -n "$bindir" && -f "$dir/data/postmaster.pid" ]]; then
        _pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 \
            || _pg_say "warning: pg_ctl stop failed; see $dir/server.log"
    fi
    rm -rf "$dir"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            postgres_start
            echo "$VITALITYBOT_TEST_POSTGRES_URL"
            _pg_say "stop it with: bash $0 stop $POSTGRES_CI_DIR"
            ;;
        stop)
            postgres_stop "${2:?usage: $0 stop DIR}"
            ;;
        *)
            echo "usage: $0 start | stop DIR" >&2
            exit 2
            ;;
    esac
fi

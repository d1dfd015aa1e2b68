# shellcheck shell=bash
# Sourced by .ci/run (as root, CI=true, no stdin): a throwaway PostgreSQL cluster for the ledger tests.
# Installs Debian's postgresql if missing, runs its own cluster as user postgres on a local port, creates
# a test role and database, and exports CLAIMLEDGER_TEST_PG_URL. Idempotent: a running cluster is reused.
# Never aborts the CI: on any failure the variable stays unset and the PostgreSQL tests skip, saying why.

claimledger_pg_start() {
    local port="${CLAIMLEDGER_PG_PORT:-54329}"
    local data="${CLAIMLEDGER_PG_DATA:-/var/tmp/claimledger-pg/data}"
    local log="${data%/*}/server.log"
    local user=claimledger password=claimledger-test db=claimledger_test
    local bindir

    if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
        echo "postgresql.sh: installing Debian's postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq </dev/null >/dev/null && apt-get install -y -qq postgresql </dev/null >/dev/null \
            || { echo "postgresql.sh: could not install postgresql; PostgreSQL tests will skip" >&2; return 0; }
    fi
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    id postgres >/dev/null 2>&1 || { echo "postgresql.sh: no 'postgres' user; PostgreSQL tests will skip" >&2; return 0; }

    # As root we switch to the unprivileged postgres user; run as that user already, we stay.
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

    if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        mkdir -p "${data%/*}" && chown postgres: "${data%/*}" 2>/dev/null
        if [ ! -s "$data/PG_VERSION" ]; then
            # Password logins over TCP (scram) so that a wrong password is a real failure to test.
            local pwfile
            pwfile="$(mktemp)" && printf '%s\n' "$password" >"$pwfile" && chown postgres: "$pwfile"
            as_pg "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
                --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null \
                || { rm -f "$pwfile"; echo "postgresql.sh: initdb failed; PostgreSQL tests will skip" >&2; return 0; }
            rm -f "$pwfile"
        fi
        as_pg "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
            || { echo "postgresql.sh: server did not start (see $log); PostgreSQL tests will skip" >&2; return 0; }
    fi
    # The role may create databases: each test gets a fresh one.
    as_pg "$bindir/psql" -q -h /tmp -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL \
        || { echo "postgresql.sh: could not create the test role; PostgreSQL tests will skip" >&2; return 0; }
SELECT 'CREATE ROLE $user LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user')\gexec
ALTER ROLE $user PASSWORD '$password';
SELECT 'CREATE DATABASE $db OWNER $user' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')\gexec
SQL
    export CLAIMLEDGER_TEST_PG_URL="postgresql://$user:$password@127.0.0.1:$port/$db"
    echo "postgresql.sh: PostgreSQL ready at postgresql://$user:***@127.0.0.1:$port/$db" >&2
}

claimledger_pg_start || true
unset -f claimledger_pg_start as_pg

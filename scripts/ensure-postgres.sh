#!/usr/bin/env bash
# Start the local PostgreSQL cluster if it is installed but not running.
# Harmless when it already runs, when PostgreSQL is absent, or when we may not start it:
# the tests then skip PostgreSQL (or fail if EQUEUE_REQUIRE_POSTGRES is set).
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
    echo "ensure-postgres: PostgreSQL is not installed here; skipping" >&2
    exit 0
fi

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
    exit 0
fi

for version in $(ls /etc/postgresql); do
    [ -f "/etc/postgresql/$version/main/postgresql.conf" ] || continue
    if pg_ctlcluster "$version" main status >/dev/null 2>&1; then
        continue
    fi
    echo "ensure-postgres: starting PostgreSQL $version/main" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start \
        || echo "ensure-postgres: could not start PostgreSQL $version/main (not root?)" >&2
done
exit 0

#!/bin/bash
# Runs once, when PostgreSQL initialises an empty data directory.
# - Odoo gets its own role that may create databases but is not a superuser. Its password is set
#   by the delivery right after start (ALTER ROLE), from the stack's secret, on every rollout.
# - The superuser has no password: the image's POSTGRES_HOST_AUTH_METHOD=trust line is replaced so
#   that network clients must authenticate (scram), and only a local socket inside the container
#   (`docker compose exec db psql -U postgres`) reaches the superuser.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE odoo LOGIN CREATEDB NOSUPERUSER NOCREATEROLE;
SQL
hba="$PGDATA/pg_hba.conf"
sed -i 's/^host all all all trust$/host all all all scram-sha-256/' "$hba"
# Trust may remain only for loopback inside this container (initdb's defaults), never for a network.
open_to_network=$(awk '$1 ~ /^host/ && $NF == "trust" && $4 != "127.0.0.1/32" && $4 != "::1/128"' "$hba")
if [ -n "$open_to_network" ] || ! grep -q '^host all all all scram-sha-256$' "$hba"; then
    echo "10-odoo-role: could not make network connections authenticate in $hba; refusing to continue" >&2
    exit 1
fi

#!/bin/bash
# Runs once, when PostgreSQL initialises an empty data directory: Odoo gets its own role that may
# create databases but is not a superuser.
set -euo pipefail
password=$(cat /run/secrets/db_password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$password" <<'SQL'
CREATE ROLE odoo LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD :'pw';
SQL

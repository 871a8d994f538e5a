#!/bin/sh
# Starts Odoo in its container instead of the official image's /entrypoint.sh, which (before May
# 2026) copied db_password from the config onto the command line of odoo and wait-for-psql.py, where
# `ps` shows it. Odoo finds its config through ODOO_RC; the database wait is compose's health check.
set -eu
# Odoo silently runs on its defaults (master password "admin") when its config file is missing: on a
# host whose secrets writer has not run yet (a boot without the store), refuse instead, and let the
# restart policy try again.
if [ ! -r "${ODOO_RC:-}" ]; then
    echo "odoo-ladder: ${ODOO_RC:-ODOO_RC} is missing; the host's secrets writer has not run (see docs/secrets.md)" >&2
    exit 1
fi
odoo="${ODOO_LADDER_EXEC:-/usr/bin/odoo}"
# The same dispatch as the official entrypoint, minus the DB arguments it would append.
case "${1:-}" in
    odoo | --) shift; exec "$odoo" "$@" ;;
    -* | "") exec "$odoo" "$@" ;;
    *) exec "$@" ;;
esac

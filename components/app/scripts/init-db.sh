#!/bin/sh
# First start only: create the stack's database with the base module and no demo data, then give the
# admin user the stack's password, so the first visit shows a login page and no default password.
set -eu
# ODOO_RC: the config the secrets entrypoint wrote (Step 3 on); the mounted file before that.
conf="${ODOO_RC:-/etc/odoo/odoo.conf}"
secrets_dir="${ODOO_LADDER_SECRETS_DIR:-/run/secrets}"
setting() { sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$conf" | head -n 1; }

db=$(setting db_name)
PGHOST=$(setting db_host)
PGPORT=$(setting db_port)
PGUSER=$(setting db_user)
PGPASSWORD=$(setting db_password)
export PGHOST PGPORT PGUSER PGPASSWORD

installed=$(psql -d "$db" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'base' AND state = 'installed'" 2>/dev/null || true)
if [ "$installed" = "1" ]; then
    echo "odoo-init: database $db is initialised; nothing to do"
    exit 0
fi

echo "odoo-init: creating database $db (base module, no demo data)"
odoo -c "$conf" -d "$db" -i base --stop-after-init --no-http

echo "odoo-init: setting the admin user's password from the stack's secrets"
ODOO_LADDER_ADMIN_PASSWORD_FILE="$secrets_dir/admin_password" odoo shell -c "$conf" -d "$db" --no-http <<'PY'
import os
from pathlib import Path

password = Path(os.environ["ODOO_LADDER_ADMIN_PASSWORD_FILE"]).read_text().strip()
if not password:
    raise SystemExit("odoo-init: the admin password is empty; refusing to leave a default password")
env.ref("base.user_admin").password = password
env.cr.commit()
PY
echo "odoo-init: done"

#!/bin/sh
# Every rollout: on first start create the stack's database with the base module and no demo data;
# then give the admin user the stack's password if it has another one, so the first visit shows a
# login page with no default password, and rotating admin_password changes the login.
set -eu
umask 077
# ODOO_RC: the config the host's writer produced; admin_password lies beside it.
conf="${ODOO_RC:?ODOO_RC must name the config the secrets writer produced}"
secrets_dir="${ODOO_LADDER_SECRETS_DIR:-$(dirname "$conf")}"
scratch="${ODOO_LADDER_SCRATCH_DIR:-/run/odoo-init}"  # a tmpfs of this container
setting() { sed -n "s/^$1[[:space:]]*=[[:space:]]*//p" "$conf" | head -n 1; }
# libpq's password file escapes ':' and '\'.
pgpass_field() { setting "$1" | sed 's/[\\:]/\\&/g'; }

db=$(setting db_name)
# psql reads the password from a file on tmpfs, readable by this user only: never PGPASSWORD, which
# would be in the environment of every child (odoo among them) and in /proc/<pid>/environ.
pgpass="$scratch/pgpass"
trap 'rm -f "$pgpass"' EXIT
printf '%s:%s:*:%s:%s\n' "$(pgpass_field db_host)" "$(pgpass_field db_port)" "$(pgpass_field db_user)" \
    "$(pgpass_field db_password)" > "$pgpass"
installed=$(PGPASSFILE="$pgpass" psql -X -w -h "$(setting db_host)" -p "$(setting db_port)" -U "$(setting db_user)" \
    -d "$db" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'base' AND state = 'installed'" 2>/dev/null || true)
rm -f "$pgpass"

if [ "$installed" = "1" ]; then
    echo "odoo-init: database $db is initialised"
else
    echo "odoo-init: creating database $db (base module, no demo data)"
    odoo -c "$conf" -d "$db" -i base --stop-after-init --no-http
fi

echo "odoo-init: checking the admin user's password against the stack's secrets"
ODOO_LADDER_ADMIN_PASSWORD_FILE="$secrets_dir/admin_password" odoo shell -c "$conf" -d "$db" --no-http <<'PY'
import os
from pathlib import Path

password = Path(os.environ["ODOO_LADDER_ADMIN_PASSWORD_FILE"]).read_text()
if not password.strip():
    raise SystemExit("odoo-init: the admin password is empty; refusing to leave a default password")
admin = env.ref("base.user_admin")
env.cr.execute("SELECT COALESCE(password, '') FROM res_users WHERE id = %s", [admin.id])
# Set only when it differs: a new hash on every rollout would end the admin's sessions each time.
if not admin._crypt_context().verify(password, env.cr.fetchone()[0] or None):
    admin.password = password
    env.cr.commit()
    print("odoo-init: the admin user's password was set from the stack's secrets")
PY
echo "odoo-init: done"

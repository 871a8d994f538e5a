"""The first-start initialiser, run as shipped against real PostgreSQL 15.

Odoo itself is not installable here: a stand-in `odoo` on PATH records how it is called (the
init command, then the shell script that sets the admin password) and, for `-i base`, creates the
module table the way a finished initialisation leaves it.
"""
import subprocess
from pathlib import Path

import pytest

from tests.peers import PG_BIN

SCRIPT = Path(__file__).resolve().parent.parent / "components/app/scripts/init-db.sh"
STAND_IN_ODOO = """#!/bin/bash
# Stand-in for Odoo: records its arguments and stdin; `-i base` leaves base installed.
{ printf 'ARGV:'; printf ' %s' "$@"; printf '\\n'; } >> "$ODOO_LOG"
if [ "$1" = shell ]; then { echo 'STDIN:'; cat; echo "ENV-FILE: $ODOO_LADDER_ADMIN_PASSWORD_FILE"; } >> "$ODOO_LOG"; fi
if [[ " $* " == *" -i base "* ]]; then
    createdb "$STANDIN_DB" 2>/dev/null || true
    psql -q -d "$STANDIN_DB" -c "CREATE TABLE ir_module_module (name text, state text);
                                  INSERT INTO ir_module_module VALUES ('base', 'installed');"
fi
"""


@pytest.fixture
def init(pg, tmp_path):
    db = f"init_{tmp_path.name[-8:].lower().replace('-', '_')}"
    conf = tmp_path / "odoo.conf"
    conf.write_text(f"[options]\ndb_host = 127.0.0.1\ndb_port = {pg.port}\ndb_user = odoo\ndb_name = {db}\n"
                    "db_password = unused-with-trust\n")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "admin_password").write_text("AdminLogin123")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "odoo").write_text(STAND_IN_ODOO)
    (bin_dir / "odoo").chmod(0o755)
    log = tmp_path / "odoo.log"

    def run() -> subprocess.CompletedProcess:
        env = {"PATH": f"{bin_dir}:{PG_BIN}:/usr/bin:/bin", "ODOO_RC": str(conf),
               "ODOO_LADDER_SECRETS_DIR": str(secrets), "ODOO_LOG": str(log), "STANDIN_DB": db,
               "PGHOST": "127.0.0.1", "PGPORT": str(pg.port), "PGUSER": "odoo"}
        return subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, env=env)
    yield run, log, db, secrets
    pg.psql_super(f'DROP DATABASE IF EXISTS "{db}"')


def test_an_empty_database_is_initialised_without_demo_and_the_admin_gets_the_stack_password(init):
    run, log, db, secrets = init
    result = run()
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert text.splitlines()[0].endswith(f"-d {db} -i base --stop-after-init --no-http")
    assert f"ARGV: shell -c" in text and 'env.ref("base.user_admin").password = password' in text
    assert f"ENV-FILE: {secrets / 'admin_password'}" in text
    assert "AdminLogin123" not in text  # read from the file by Odoo's shell, never passed along


def test_the_rendered_config_keeps_demo_data_out_and_the_database_manager_off():
    from components.delivery.bundle import render_bundle
    from configs.load import from_mapping
    conf = render_bundle(from_mapping("dev", {}))["odoo.conf.base"]
    for line in ("without_demo = all", "list_db = False", "db_name = odoo", "dbfilter = ^odoo$"):
        assert line in conf.splitlines()
    assert "db_password" not in conf and "admin_passwd" not in conf


def test_an_initialised_database_is_left_alone(init):
    run, log, _, _ = init
    assert run().returncode == 0
    log.unlink()
    second = run()
    assert second.returncode == 0
    assert "is initialised; nothing to do" in second.stdout
    assert not log.exists()

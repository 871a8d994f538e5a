"""The initialiser (odoo-init), run as shipped against real PostgreSQL 15 on the project's pg_hba.conf
(SCRAM for Odoo's role), so its password file is really used.

Odoo itself is not installable here: a stand-in `odoo` on PATH records how it is called (argv, the
PG* variables it inherited, the shell script that sets the admin password, what lies in the scratch
tmpfs meanwhile) and, for `-i base`, creates the module table the way a finished initialisation leaves it.
"""
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.peers import PG_BIN
from tests.project_pg import apply_role_sql, role_sql, shared_cluster  # noqa: F401 (a fixture)

SCRIPT = Path(__file__).resolve().parent.parent / "components/app/scripts/init-db.sh"
# ':' and '\' must be escaped in a pgpass file; a quote must survive the shell.
DB_PASSWORD = "Db:Pass\\word'42-long-enough"
STAND_IN_ODOO = """#!/bin/bash
# Stand-in for Odoo (NOT Odoo): records argv, inherited PG* variables, the scratch folder and stdin.
{ printf 'ARGV:'; printf ' %s' "$@"; printf '\\n'; } >> "$ODOO_LOG"
env | grep '^PG' | sed 's/^/ENV: /' >> "$ODOO_LOG" || true
echo "SCRATCH: $(ls -A "$ODOO_LADDER_SCRATCH_DIR")" >> "$ODOO_LOG"
if [ "$1" = shell ]; then { echo 'STDIN:'; cat; echo "ENV-FILE: $ODOO_LADDER_ADMIN_PASSWORD_FILE"; } >> "$ODOO_LOG"; fi
if [[ " $* " == *" -i base "* ]]; then
    # Odoo reads its DB password from the config, as this does.
    PGPASSWORD=$(sed -n 's/^db_password = //p' "$ODOO_RC") createdb -h 127.0.0.1 -p "$STANDIN_PORT" -U odoo "$STANDIN_DB"
    PGPASSWORD=$(sed -n 's/^db_password = //p' "$ODOO_RC") psql -q -h 127.0.0.1 -p "$STANDIN_PORT" -U odoo \\
        -d "$STANDIN_DB" -c "CREATE TABLE ir_module_module (name text, state text);
                             INSERT INTO ir_module_module VALUES ('base', 'installed');"
fi
"""


@pytest.fixture
def init(shared_cluster, tmp_path):
    cluster = shared_cluster
    assert apply_role_sql(cluster, role_sql(tmp_path, DB_PASSWORD)).returncode == 0
    db = "init_db"
    secrets = tmp_path / "secrets"  # as the writer leaves it
    secrets.mkdir()
    conf = secrets / "odoo.conf"
    conf.write_text(f"[options]\ndb_host = 127.0.0.1\ndb_port = {cluster.port}\ndb_user = odoo\ndb_name = {db}\n"
                    f"db_password = {DB_PASSWORD}\n")
    (secrets / "admin_password").write_text("AdminLogin123-long")
    scratch = Path(tempfile.mkdtemp(prefix="odoo-init-", dir="/dev/shm"))  # the container's tmpfs
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "odoo").write_text(STAND_IN_ODOO)
    (bin_dir / "odoo").chmod(0o755)
    log = tmp_path / "odoo.log"

    def run() -> subprocess.CompletedProcess:
        # The container's environment: ODOO_RC from the compose file, nothing secret.
        env = {"PATH": f"{bin_dir}:{PG_BIN}:/usr/bin:/bin", "ODOO_RC": str(conf), "ODOO_LADDER_SCRATCH_DIR": str(scratch),
               "ODOO_LOG": str(log), "STANDIN_DB": db, "STANDIN_PORT": str(cluster.port)}
        return subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, env=env)
    yield run, log, db, secrets, scratch
    shutil.rmtree(scratch, ignore_errors=True)
    assert cluster.superuser(f"DROP DATABASE IF EXISTS {db}").returncode == 0


def test_an_empty_database_is_initialised_without_demo_and_the_admin_gets_the_stack_password(init):
    run, log, db, secrets, scratch = init
    result = run()
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert text.splitlines()[0].endswith(f"-d {db} -i base --stop-after-init --no-http")
    assert "ARGV: shell -c" in text and "admin.password = password" in text
    assert f"ENV-FILE: {secrets / 'admin_password'}" in text
    assert "AdminLogin123" not in text  # read from the file by Odoo's shell, never passed along


def test_no_password_in_odoos_environment_and_the_pgpass_file_is_gone_before_odoo_runs(init):
    run, log, _, _, scratch = init
    assert run().returncode == 0
    text = log.read_text()
    assert "ENV: PGPASSWORD" not in text and "ENV: PGPASSFILE" not in text
    assert DB_PASSWORD not in text
    assert all(line == "SCRATCH: " for line in text.splitlines() if line.startswith("SCRATCH:"))
    assert list(scratch.iterdir()) == []


def test_an_initialised_database_is_left_alone_but_the_admin_password_is_applied_again(init):
    """The second run finds base installed, which needs the password file to have worked (SCRAM);
    the admin password is checked on every rollout, so a rotated admin_password reaches the login."""
    run, log, _, secrets, _ = init
    assert run().returncode == 0
    log.unlink()
    (secrets / "admin_password").write_text("RotatedAdminLogin-456")
    second = run()
    assert second.returncode == 0, second.stderr
    assert "is initialised" in second.stdout
    calls = [line for line in log.read_text().splitlines() if line.startswith("ARGV:")]
    assert len(calls) == 1 and calls[0].startswith("ARGV: shell -c")


def test_a_wrong_password_fails_the_check_and_does_not_pass_as_initialised(init):
    """Proves the check above authenticates: with a wrong password it cannot see the database."""
    run, log, _, secrets, _ = init
    assert run().returncode == 0
    conf = secrets / "odoo.conf"
    conf.write_text(conf.read_text().replace(DB_PASSWORD, "Wrong-Password-Long-1"))
    log.unlink()
    result = run()
    assert "is initialised" not in result.stdout
    assert " -i base " in log.read_text()


def test_the_rendered_config_keeps_demo_data_out_and_the_database_manager_off():
    from components.delivery.bundle import render_bundle
    from configs.load import from_mapping
    conf = render_bundle(from_mapping("dev", {}))["odoo.conf.base"]
    for line in ("without_demo = all", "list_db = False", "db_name = odoo", "dbfilter = ^odoo$"):
        assert line in conf.splitlines()
    assert "db_password" not in conf and "admin_passwd" not in conf

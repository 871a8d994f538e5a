"""psql-as-owner, the helper a restore on the host runs its SQL through: it connects as the role of
an odoo.conf with that file's password (SCRAM over TCP, as Odoo does), and nothing else."""
import os
import subprocess

from tests.backup.helpers import SCRIPTS
from tests.peers import PG_BIN

HELPER = SCRIPTS / "psql-as-owner"
# A colon and a backslash: the passfile format escapes both.
PASSWORD = r"s3cr:et\pass-word-1234"


def scram_only(pg):
    """The cluster now asks every TCP client for its SCRAM password, as the project's pg_hba does."""
    pg.psql_super(f"SET password_encryption = 'scram-sha-256'; ALTER ROLE odoo PASSWORD '{PASSWORD}';")
    hba = os.path.join(pg.data, "pg_hba.conf")
    with open(hba, "w") as handle:
        handle.write("local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    pg.pg_ctl("reload")


def run_helper(pg, tmp_path, password):
    conf = tmp_path / "odoo.conf"
    conf.write_text(f"[options]\ndb_host = 127.0.0.1\ndb_port = {pg.port}\ndb_user = odoo\n"
                    f"db_password = {password}\n")
    env = {"PATH": f"{PG_BIN}:/usr/bin:/bin"}  # no PG* variables: everything comes from odoo.conf
    return subprocess.run(["sh", str(HELPER), str(conf), "-X", "-tA", "-d", "postgres", "-c", "SELECT current_user"],
                          capture_output=True, text=True, env=env, timeout=60)


def test_connects_as_the_role_of_odoo_conf_with_its_password(own_pg, tmp_path):
    scram_only(own_pg)
    good = run_helper(own_pg, tmp_path, PASSWORD)
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "odoo"
    bad = run_helper(own_pg, tmp_path, "wrong-password-123456")
    assert bad.returncode != 0 and "password authentication failed" in bad.stderr


def test_a_config_without_a_password_is_refused(tmp_path):
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\ndb_user = odoo\n")
    out = subprocess.run(["sh", str(HELPER), str(conf)], capture_output=True, text=True)
    assert out.returncode == 2 and "no db_user or db_password" in out.stderr

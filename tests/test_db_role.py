"""The database's first-start script and the delivery's role-password SQL, against real PostgreSQL.

The cluster is set up as the postgres image leaves it before running /docker-entrypoint-initdb.d:
initdb's defaults plus the image's `host all all all trust` line (POSTGRES_HOST_AUTH_METHOD=trust).
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

from components.delivery.apply_script import SET_ROLE_PASSWORD
from tests.peers import PG_BIN, PgCluster, require_postgres

ROLE_SCRIPT = Path(__file__).resolve().parent.parent / "components/app/scripts/db-init/10-odoo-role.sh"


@pytest.fixture
def cluster():
    require_postgres()
    pg = PgCluster(with_odoo_role=False)
    hba = Path(pg.data) / "pg_hba.conf"
    hba.write_text(hba.read_text() + "\nhost all all all trust\n")  # what the image appends
    pg.pg_ctl("reload")
    yield pg
    pg.destroy()


def run_role_script(pg: PgCluster) -> subprocess.CompletedProcess:
    env = {"PATH": f"{PG_BIN}:/usr/bin:/bin", "PGDATA": pg.data, "POSTGRES_USER": "postgres",
           "PGHOST": pg.dir, "PGPORT": str(pg.port)}
    return subprocess.run(["runuser", "-u", "postgres", "--", "env", *[f"{k}={v}" for k, v in env.items()],
                           "bash", str(ROLE_SCRIPT)], capture_output=True, text=True)


def as_remote_client(pg: PgCluster) -> None:
    """Odoo connects from another container: only the last, catch-all host rule applies to it."""
    hba = Path(pg.data) / "pg_hba.conf"
    hba.write_text("".join(line for line in hba.read_text().splitlines(keepends=True)
                           if not line.startswith("host") or " all all all " in line))
    pg.pg_ctl("reload")


def login(pg: PgCluster, user: str, password: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, **pg.env(user), "PGCONNECT_TIMEOUT": "5"}
    env.pop("PGPASSWORD", None)
    if password is not None:
        env["PGPASSWORD"] = password
    return subprocess.run([f"{PG_BIN}/psql", "-X", "-w", "-tA", "-d", "postgres", "-c", "select current_user"],
                          capture_output=True, text=True, env=env)


def set_role_password(pg: PgCluster, secret_file: Path) -> None:
    """The delivery's SQL, as shipped, reading the secret from `secret_file` instead of /run/secrets."""
    sql = re.search(r"<<'SQL'\n(.*?)SQL\n", SET_ROLE_PASSWORD, re.S).group(1)
    # Like `docker compose exec db psql -U postgres`: the superuser through the local socket.
    result = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-d", "postgres"],
                            input=sql.replace("/run/secrets/db_password", str(secret_file)), capture_output=True,
                            text=True, env={**os.environ, "PGHOST": pg.dir, "PGPORT": str(pg.port)})
    assert result.returncode == 0, result.stderr


def test_first_start_creates_a_non_superuser_role_and_ends_trust(cluster):
    result = run_role_script(cluster)
    assert result.returncode == 0, result.stderr
    cluster.pg_ctl("reload")
    assert cluster.psql_super("select rolsuper, rolcreatedb, rolcanlogin from pg_roles where rolname='odoo'") == "f|t|t"
    rules = cluster.psql_super("select address, auth_method from pg_hba_file_rules where type = 'host'")
    assert "all|scram-sha-256" in rules.splitlines()
    assert "all|trust" not in rules.splitlines()


def test_the_role_password_comes_from_the_secret_file_and_the_superuser_has_none(cluster, tmp_path):
    assert run_role_script(cluster).returncode == 0
    as_remote_client(cluster)
    assert login(cluster, "odoo", None).returncode != 0
    secret = tmp_path / "db_password"
    secret.write_text("RoleSecret'With\"Quotes")
    set_role_password(cluster, secret)
    assert login(cluster, "odoo", "RoleSecret'With\"Quotes").stdout.strip() == "odoo"
    assert login(cluster, "odoo", "wrong").returncode != 0
    assert login(cluster, "postgres", "").returncode != 0
    secret.write_text("RotatedSecret42")  # rotation: new secret, apply again
    set_role_password(cluster, secret)
    assert login(cluster, "odoo", "RotatedSecret42").returncode == 0
    assert login(cluster, "odoo", "RoleSecret'With\"Quotes").returncode != 0


def test_the_script_refuses_to_continue_if_trust_would_remain(cluster):
    hba = Path(cluster.data) / "pg_hba.conf"
    hba.write_text(hba.read_text() + "host all all 10.0.0.0/8 trust\n")
    result = run_role_script(cluster)
    assert result.returncode == 1
    assert "refusing to continue" in result.stderr

"""A throwaway PostgreSQL 15 cluster started as the project's db service starts (its pg_hba.conf and
pg_ident.conf named on the command line), and the delivery's role-password step run against it."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.app.compose import DB_COMMAND
from components.delivery.secrets_steps import ROLE_PSQL
from tests.peers import PG_BIN, PgCluster, require_postgres

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_FILES = ROOT / "components/app/scripts/postgres"
WRITER = ROOT / "image/odoo_ladder_entrypoint.py"


class ProjectCluster(PgCluster):
    """A PgCluster whose server reads the project's pg_hba.conf and pg_ident.conf."""

    def start(self):
        for name in ("pg_hba.conf", "pg_ident.conf"):
            shutil.copy(POSTGRES_FILES / name, Path(self.dir) / name)
            shutil.chown(Path(self.dir) / name, "postgres", "postgres")
        # The compose file's own options, with the paths of this cluster's copies.
        options = " ".join(arg.replace("/etc/odoo-ladder", self.dir) for arg in DB_COMMAND[1:])
        opts = (f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off {options}"
                " -c log_statement=all -c log_min_error_statement=error")
        self.pg_ctl("-l", self.log, "-o", opts, "-w", "start")

    @property
    def log(self) -> str:
        return os.path.join(self.dir, "log")

    def superuser(self, sql: str, os_user: str = "postgres", args: tuple = ("-X", "-q", "-tA")):
        """psql through the local socket, as `docker compose exec [-u postgres] db psql` does."""
        command = [f"{PG_BIN}/psql", "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", "postgres", *args]
        if os_user != "root":
            command = ["runuser", "-u", os_user, "--", *command]
        return subprocess.run(command, input=sql, capture_output=True, text=True)


@pytest.fixture
def cluster():
    require_postgres()
    pg = ProjectCluster(with_odoo_role=False)
    yield pg
    pg.destroy()


def login(pg: PgCluster, user: str, password: str | None) -> subprocess.CompletedProcess:
    """A network client (Odoo from its container): TCP to 127.0.0.1."""
    env = {**os.environ, **pg.env(user), "PGCONNECT_TIMEOUT": "5"}
    env.pop("PGPASSWORD", None)
    if password is not None:
        env["PGPASSWORD"] = password
    return subprocess.run([f"{PG_BIN}/psql", "-X", "-w", "-tA", "-d", "postgres", "-c", "select current_user"],
                          capture_output=True, text=True, env=env)


def role_sql(tmp_path: Path, password: str) -> str:
    """The writer's --role-sql, run on an odoo.conf as the host's writer leaves it."""
    conf = tmp_path / "odoo.conf"
    conf.write_text(f"[options]\ndb_user = odoo\ndb_password = {password}\n")
    result = subprocess.run([sys.executable, "-I", str(WRITER), "--role-sql", str(conf)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def apply_role_sql(pg: ProjectCluster, sql: str) -> subprocess.CompletedProcess:
    """The apply script's psql (ROLE_PSQL), as the postgres user of the db container."""
    return pg.superuser(sql, args=tuple(ROLE_PSQL.split()[1:]))




@pytest.fixture(scope="module")
def shared_cluster():
    """One project cluster for a module whose tests clean up after themselves."""
    require_postgres()
    pg = ProjectCluster(with_odoo_role=False)
    yield pg
    pg.destroy()

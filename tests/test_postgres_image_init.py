"""The postgres:16 image's own entrypoint (tests/vendor, unchanged but for where it finds the init
scripts) initialises a cluster with the db service's settings: no POSTGRES_HOST_AUTH_METHOD=trust,
no mounted secret, and the server it leaves running reads the project's pg_hba.conf.

Run as the image runs it after dropping root (user postgres), against Debian's PostgreSQL 15.
"""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from components.app.compose import DB_COMMAND, compose_document
from components.app.service import odoo_service
from configs.load import from_mapping
from tests.peers import PG_BIN, free_port, require_postgres
from tests.project_pg import POSTGRES_FILES, login, role_sql
from tests.stacks import local

ENTRYPOINT = Path(__file__).with_name("vendor") / "postgres-16-docker-entrypoint"


@pytest.fixture
def image_started(tmp_path):
    require_postgres()
    if not Path("/var/run/postgresql").is_dir():
        pytest.skip("/var/run/postgresql (the image's socket folder) is missing")
    work = Path(tempfile.mkdtemp(prefix="odoo-ladder-pgimage-"))
    etc, initdb_d = work / "etc", work / "initdb.d"
    etc.mkdir()
    initdb_d.mkdir()
    for name in ("pg_hba.conf", "pg_ident.conf"):
        shutil.copy(POSTGRES_FILES / name, etc / name)
    # The only change: the init scripts' folder (the image's /docker-entrypoint-initdb.d, empty here).
    script = work / "docker-entrypoint.sh"
    script.write_text(ENTRYPOINT.read_text().replace("/docker-entrypoint-initdb.d", str(initdb_d)))
    subprocess.run(["chown", "-R", "postgres:postgres", str(work)], check=True)
    db = compose_document(odoo_service(from_mapping("t", local())), "local")["services"]["db"]
    port = free_port()
    env = {"PATH": f"{PG_BIN}:/usr/bin:/bin", "PGDATA": str(work / "data"), "PGPORT": str(port),
           **db["environment"]}
    command = [arg.replace("/etc/odoo-ladder", str(etc)) for arg in db["command"]]
    log = open(work / "output.log", "w")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(["runuser", "-u", "postgres", "--", "env", "-i", *[f"{k}={v}" for k, v in env.items()],
                             "bash", str(script), *command, "-c", "listen_addresses=127.0.0.1"],
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 90
    while subprocess.run([f"{PG_BIN}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 0:
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            output = (work / "output.log").read_text()
            shutil.rmtree(work, ignore_errors=True)
            pytest.fail(f"the image's entrypoint did not bring PostgreSQL up:\n{output}")
        time.sleep(0.3)
    yield work, port, env
    # Stop the server this started, by its data directory (runuser does not pass signals on).
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", env["PGDATA"], "-m", "fast", "-w",
                    "stop"], capture_output=True)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    shutil.rmtree(work, ignore_errors=True)


class Endpoint:
    def __init__(self, port: int):
        self.port = port

    def env(self, user="odoo"):
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": user, "PATH": f"{PG_BIN}:{os.environ['PATH']}"}


def test_the_image_initialises_without_trust_and_serves_on_the_projects_rules(image_started, tmp_path):
    work, port, env = image_started
    assert "POSTGRES_HOST_AUTH_METHOD" not in env and DB_COMMAND[0] == "postgres"
    # The image initialised without the trust method (its last line would say so); the data
    # directory's own file (initdb's local trust lines included) is never read anyway.
    assert (work / "data" / "pg_hba.conf").read_text().rstrip().endswith("host all all all scram-sha-256")
    assert "PostgreSQL init process complete" in (work / "output.log").read_text()
    socket = ["-h", "/var/run/postgresql", "-p", str(port), "-U", "postgres", "-d", "postgres", "-X", "-tA"]
    rules = subprocess.run([f"{PG_BIN}/psql", *socket, "-c", "select auth_method from pg_hba_file_rules"],
                           capture_output=True, text=True)  # as root: the ident map lets root in
    assert rules.returncode == 0, rules.stderr
    assert "trust" not in rules.stdout and "scram-sha-256" in rules.stdout
    endpoint = Endpoint(port)
    assert login(endpoint, "postgres", None).returncode != 0
    # The random superuser password the image was given is of no use from the network either.
    applied = subprocess.run([f"{PG_BIN}/psql", *socket[:-1], "-q", "-v", "ON_ERROR_STOP=1"],
                             input=role_sql(tmp_path, "FromTheWriter-Pass-77"), capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    assert login(endpoint, "odoo", "FromTheWriter-Pass-77").stdout.strip() == "odoo"

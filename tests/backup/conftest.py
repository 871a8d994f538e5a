"""Real peers for the backup tests: a throwaway PostgreSQL 15 cluster and moto's S3 server.

Both listen on 127.0.0.1 at free ports and are stopped by PID (pg_ctl stop, terminate) in teardown.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import boto3
import pytest

from tests.tools import missing, require_root, require_tool

PG_BIN = "/usr/lib/postgresql/15/bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    """A PostgreSQL 15 cluster in a temp dir, owned by the postgres user (initdb refuses root)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="odoo-backup-pg-")
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        self.start()
        # Odoo's role: may create databases, is not a superuser.
        self.psql_super("CREATE ROLE odoo LOGIN CREATEDB;")

    def pg_ctl(self, *args):
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/pg_ctl", "-D", self.data, *args],
                       check=True, capture_output=True)

    def start(self):
        # Durability is not under test: fsync off keeps the tests quick on 2 cores.
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off " \
               "-c full_page_writes=off"
        self.pg_ctl("-l", os.path.join(self.dir, "log"), "-o", opts, "-w", "start")

    def stop(self):
        self.pg_ctl("-m", "fast", "-w", "stop")

    def env(self, user="odoo"):
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": user,
                "PATH": f"{PG_BIN}:{os.environ['PATH']}"}

    def psql(self, sql, db="postgres", user="odoo"):
        out = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db],
                             input=sql, capture_output=True, text=True, env={**os.environ, **self.env(user)})
        if out.returncode != 0:
            raise AssertionError(f"psql failed: {out.stderr}")
        return out.stdout.strip()

    def psql_super(self, sql, db="postgres"):
        return self.psql(sql, db=db, user="postgres")

    def databases(self):
        return set(self.psql("SELECT datname FROM pg_database WHERE NOT datistemplate").split())

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped by a test
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg():
    require_root()
    require_tool("runuser")
    if not os.path.exists(f"{PG_BIN}/initdb"):
        missing(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb)")
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def own_pg():
    """A cluster of the test's own, for tests that stop it."""
    require_root()
    if not os.path.exists(f"{PG_BIN}/initdb"):
        missing(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb)")
    cluster = PgCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def moto():
    """moto_server on 127.0.0.1 at a free port; yields its endpoint URL."""
    exe = require_tool("moto_server")
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"moto_server did not start, see {log.name}")
            time.sleep(0.2)
    yield endpoint
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    os.unlink(log.name)


@pytest.fixture
def s3(moto):
    return boto3.client("s3", endpoint_url=moto, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def bucket(s3):
    """A fresh versioned bucket per test, as the Pulumi component makes it."""
    name = f"odoo-backup-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def data_dir():
    path = tempfile.mkdtemp(prefix="odoo-data-")
    yield path
    shutil.rmtree(path, ignore_errors=True)

"""Real local peers for functional tests and benchmarks: moto_server and a throwaway PostgreSQL 15
cluster, on 127.0.0.1 at free ports, each stopped by PID (terminate, pg_ctl stop)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.tools import missing, require_root, require_tool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited early with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on {url}")


def start_moto(extra_env: dict | None = None):
    """moto_server on 127.0.0.1, a free port; returns (process, endpoint URL)."""
    binary = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(binary).exists():
        missing("moto_server is not installed (PyPI moto[server])")
    port = free_port()
    proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)],
                            env={**os.environ, **(extra_env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{endpoint}/moto-api/", proc)
    except Exception:
        stop(proc)
        raise
    return proc, endpoint


def stop(proc: subprocess.Popen) -> None:
    """Stop a process this suite started, by its PID."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


PG_BIN = "/usr/lib/postgresql/15/bin"


class PgCluster:
    """A PostgreSQL 15 cluster in a temp dir, owned by the postgres user (initdb refuses root)."""

    def __init__(self, with_odoo_role: bool = True):
        self.dir = tempfile.mkdtemp(prefix="odoo-ladder-pg-")
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        subprocess.run(["runuser", "-u", "postgres", "--", f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
        try:
            self.start()
            if with_odoo_role:
                # Odoo's role as components/app/scripts/db-init/10-odoo-role.sh creates it.
                self.psql_super("CREATE ROLE odoo LOGIN CREATEDB NOSUPERUSER NOCREATEROLE;")
        except BaseException:
            self.destroy()
            raise

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


class MotoServer:
    """moto_server on 127.0.0.1 at a free port, as an object (for the benchmark and session fixtures)."""

    def __init__(self):
        self.proc, self.endpoint = start_moto()

    def stop(self):
        stop(self.proc)


def require_postgres() -> None:
    """A throwaway cluster needs root (initdb runs as postgres through runuser) and PostgreSQL 15."""
    require_root()
    require_tool("runuser")
    if not os.path.exists(f"{PG_BIN}/initdb"):
        missing(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb)")

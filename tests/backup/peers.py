"""Real peers for the backup tests and the benchmark: a throwaway PostgreSQL 15 cluster and moto's S3
server, both on 127.0.0.1 at free ports, both stopped by PID (pg_ctl stop, terminate)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

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
        try:
            self.start()
            # Odoo's role: may create databases, is not a superuser.
            self.psql_super("CREATE ROLE odoo LOGIN CREATEDB;")
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
    """moto_server on 127.0.0.1 at a free port."""

    def __init__(self, exe="moto_server"):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"moto_server did not start, see {self.log.name}")
                time.sleep(0.2)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.unlink(self.log.name)

"""Running odoo-move-db as the delivery will: the script file itself, against a source cluster
(the container) and an RDS-like target, with stand-in hooks that record when Odoo stops and starts
and on which db_host (Odoo itself is not under test here)."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.peers import PG_BIN

SCRIPT = Path(__file__).resolve().parents[2] / "components" / "database" / "scripts" / "odoo-move-db"
ODOO_PASSWORD = "odoo-Role-Pass-42"
ODOO_CONF = "[options]\ndb_host = db\ndb_port = 5432\ndb_user = odoo\ndb_password = odoo-Role-Pass-42\n" \
            "dbfilter = ^odoo$\n"


def load_script():
    loader = importlib.machinery.SourceFileLoader("odoo_move_db", str(SCRIPT))
    spec = importlib.util.spec_from_loader("odoo_move_db", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@dataclass
class Move:
    source: object
    target: object
    dir: Path

    def __post_init__(self):
        self.conf = self.dir / "odoo.conf"
        self.conf.write_text(ODOO_CONF)
        os.chmod(self.conf, 0o400)
        self.password_file = self.dir / "odoo.password"
        self.password_file.write_text(ODOO_PASSWORD + "\n")
        self.events = self.dir / "events"
        self.state = self.dir / "state" / "moved.json"
        self.state.parent.mkdir()

    def argv(self, pg_bin: str = PG_BIN) -> list[str]:
        return [sys.executable, str(SCRIPT), "--source", f"host=127.0.0.1 port={self.source.port} user=odoo",
                "--target", self.target.conninfo(), "--database", "odoo",
                "--odoo-password-file", str(self.password_file), "--work-dir", str(self.dir / "work"),
                "--state", str(self.state), "--jobs", "2", "--pg-bin", pg_bin,
                "--stop-odoo", f"sh -c 'echo stop $(grep ^db_host {self.conf}) >> {self.events}'",
                "--start-odoo", f"sh -c 'echo start $(grep ^db_host {self.conf}) >> {self.events}'",
                "--odoo-conf", str(self.conf), "--conf-host", "localhost", "--conf-port", str(self.target.port),
                "--conf-rootcert", self.target.ca]

    def run(self, pg_bin: str = PG_BIN) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(pg_bin), capture_output=True, text=True, timeout=600)

    def popen(self, pg_bin: str) -> subprocess.Popen:
        # Its own process group, so the test can kill pg_restore's workers with it.
        return subprocess.Popen(self.argv(pg_bin), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)

    def event_lines(self) -> list[str]:
        return self.events.read_text().splitlines() if self.events.exists() else []


def wrapped_pg_bin(directory: Path, pg_restore_body: str) -> str:
    """A PostgreSQL bin dir whose pg_restore is a stand-in around the real one (a fault to inject);
    the other tools are the real ones."""
    directory.mkdir()
    for tool in ("psql", "pg_dump"):
        (directory / tool).symlink_to(f"{PG_BIN}/{tool}")
    wrapper = directory / "pg_restore"
    wrapper.write_text("#!/bin/bash\nset -euo pipefail\n" + pg_restore_body)
    wrapper.chmod(0o755)
    return str(directory)

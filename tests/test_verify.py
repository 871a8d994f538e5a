"""`ladder verify` for Step 0, against loopback stand-ins for Odoo and PostgreSQL."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ladder.cli import main
from tests.stacks import ROOT

STEP0 = str(ROOT / "configs" / "stacks" / "step0.yaml")


class StandInOdoo(BaseHTTPRequestHandler):
    """A stand-in for Odoo's /web/health; `status` is what it claims."""

    status = "pass"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = json.dumps({"status": self.status}).encode() if self.path == "/web/health" else b"not found"
        self.send_response(200 if self.path == "/web/health" else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def odoo():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandInOdoo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def verify(odoo_port: int, db_port: int) -> int:
    return main(["verify", STEP0, "--host", "127.0.0.1", "--odoo-port", str(odoo_port), "--db-port", str(db_port)])


def test_healthy_odoo_and_closed_postgres_pass(odoo, capsys):
    assert verify(odoo, free_port()) == 0
    out = capsys.readouterr().out
    assert "PASS  health" in out and "PASS  ports " in out and "2 passed, 0 failed" in out


def test_reachable_postgres_fails(odoo, capsys):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert verify(odoo, listener.getsockname()[1]) == 1
    assert "FAIL  ports " in capsys.readouterr().out


def test_unhealthy_or_absent_odoo_fails(odoo, capsys, monkeypatch):
    monkeypatch.setattr(StandInOdoo, "status", "fail")
    assert verify(odoo, free_port()) == 1
    assert "FAIL  health" in capsys.readouterr().out
    assert verify(free_port(), free_port()) == 1
    assert "no answer" in capsys.readouterr().out

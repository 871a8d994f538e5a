"""Step 0's outcome checks: Odoo answers its health route, and PostgreSQL is not reachable."""
from __future__ import annotations

import json
import socket
import urllib.request

from ladder.checks.result import CheckResult


def check_health(url: str, timeout: float = 10.0) -> CheckResult:
    """`GET /web/health` answers {"status": "pass"} without a session."""
    name = f"health {url}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (the user's own host)
            body = response.read(65536)
    except OSError as err:
        return CheckResult(name, False, f"no answer: {err}")
    try:
        status = json.loads(body).get("status")
    except (ValueError, AttributeError):
        return CheckResult(name, False, f"answered but not with Odoo's health JSON: {body[:80]!r}")
    return CheckResult(name, status == "pass", f"status={status!r}")


def port_open(host: str, port: int, timeout: float = 3.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_port_closed(host: str, port: int, what: str) -> CheckResult:
    name = f"{what} port {port} closed"
    if port_open(host, port):
        return CheckResult(name, False, f"{host}:{port} accepts connections from here; it must not be public")
    return CheckResult(name, True, f"{host}:{port} refuses or drops connections")

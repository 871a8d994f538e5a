"""Step 0's outcome check: Odoo answers its health route (closed ports: ladder.checks.https)."""
from __future__ import annotations

import json
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

"""`ladder verify`: the step's outcome checks against a live deployment."""
from __future__ import annotations

from dataclasses import dataclass

from configs.load import LadderConfig
from ladder.checks.result import CheckResult
from ladder.checks.step0 import check_health, check_port_closed


@dataclass(frozen=True)
class Target:
    """Where the deployment answers; the ports are settable so the checks can run against stand-ins."""

    host: str
    odoo_port: int = 8069
    bus_port: int = 8072
    db_port: int = 5432


def step0_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    return [
        check_health(f"http://{target.host}:{target.odoo_port}/web/health"),
        check_port_closed(target.host, target.db_port, "PostgreSQL"),
    ]


def run_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    if cfg.components.proxy:
        raise NotImplementedError("verify for the proxy steps arrives with the proxy component")
    return step0_checks(cfg, target)

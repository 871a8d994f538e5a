"""`ladder verify`: the step's outcome checks against a live deployment."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from components.proxy.site import bus_route
from configs.load import LadderConfig
from ladder.checks.dns import check_dns
from ladder.checks.https import check_certificate, check_http_redirect, check_ports_closed, check_websocket
from ladder.checks.result import CheckResult
from ladder.checks.step0 import check_health


@dataclass(frozen=True)
class Target:
    """Where the deployment answers; the ports are settable so the checks can run against stand-ins."""

    host: str
    odoo_port: int = 8069
    bus_port: int = 8072
    db_port: int = 5432
    http_port: int = 80
    https_port: int = 443
    # A CA bundle to trust instead of the system's (a test CA, or Let's Encrypt staging's root).
    ca_bundle: Optional[str] = None
    # Skip the DNS check (a deployment reached by an address the domain does not resolve to).
    skip_dns: bool = False


def step0_checks(target: Target) -> list[CheckResult]:
    return [
        check_health(f"http://{target.host}:{target.odoo_port}/web/health"),
        check_ports_closed(target.host, (target.db_port,)),
    ]


def proxy_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    """Steps 1-2: DNS first (ACME cannot succeed without it), then TLS, redirect, closed ports, bus."""
    domain = cfg.settings.domain or "localhost"
    results = [] if target.skip_dns else [check_dns(domain, target.host)]
    results += [
        check_certificate(target.host, domain, port=target.https_port, ca_bundle=target.ca_bundle),
        check_http_redirect(target.host, domain, port=target.http_port),
        check_ports_closed(target.host, (target.odoo_port, target.bus_port, target.db_port)),
        check_websocket(target.host, domain, port=target.https_port, path=bus_route(cfg.settings.odoo.version),
                        ca_bundle=target.ca_bundle),
    ]
    return results


def run_checks(cfg: LadderConfig, target: Target) -> list[CheckResult]:
    return proxy_checks(cfg, target) if cfg.components.proxy else step0_checks(target)

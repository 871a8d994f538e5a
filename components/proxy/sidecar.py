"""Step 7: the proxy as a sidecar in each Odoo task, behind the ALB (PLAN.md contract 4).

The ALB terminates TLS and sends X-Forwarded-For, -Proto and -Port, never X-Forwarded-Host; Odoo
applies ProxyFix only when X-Forwarded-Host is present (odoo/http.py, Application.__call__), so
behind a bare ALB it would build http:// URLs from the target's address. The sidecar listens on one
plain-HTTP port for the target group and:
- sets X-Forwarded-Host from the Host the ALB passed on (ALB_PRESERVE_HOST_HEADER), always;
- believes X-Forwarded-Proto/-For/-Port only from the VPC (the ALB's nodes), overwrites them for
  anyone else, and sends Odoo one X-Forwarded-For address, the client's (ProxyFix takes the last);
- routes the bus path to 127.0.0.1:8072 and the rest to 127.0.0.1:8069 (awsvpc: one localhost);
- blocks /web/database, lets 128 MiB bodies through, keeps reads open 720 s.

Pure: a `ProxySite` goes in, a `Sidecar` (image, port, config file name and text, command) comes
out for components/cluster to put in the task definition; the task writes the config into a volume
mounted at `config_dir` before the sidecar starts (the task has no host file to mount). Caddy (the
default) and nginx are built; Traefik is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from components.images import CADDY, NGINX
from components.network.network import VPC_CIDR
from components.proxy.caddy import caddy_log_filters
from components.proxy.log_filter import LOG_FILTER
from components.proxy.site import BUS_READ_TIMEOUT_SECONDS, ODOO_MAX_BODY_MIB, ProxySite
from components.proxy.templating import render_template

# The target group's port: plain HTTP from the ALB's security group only.
SIDECAR_PORT = 8080
# The target group's health check: Odoo's own, through the sidecar (so a dead sidecar fails it too).
HEALTH_PATH = "/web/health"
# true: the ALB passes the Host the browser sent unchanged. With false (AWS's default) it may append
# the listener port (`erp.example.com:443`), which would then reach X-Forwarded-Host.
ALB_PRESERVE_HOST_HEADER = True
# Above the ALB's largest idle timeout (4000 s): the ALB must be the side that closes idle connections.
IDLE_TIMEOUT_SECONDS = 4060
SIDECAR_KINDS = ("caddy", "nginx")


@dataclass(frozen=True)
class Sidecar:
    kind: str
    image: str
    port: int
    config_name: str          # the file's name in the task's config volume
    config: str
    command: tuple[str, ...]  # run with the config volume at the `config_dir` it was rendered for
    health_path: str = HEALTH_PATH


def check_sidecar_kind(kind: str | None) -> str:
    """The proxy kind a step-7 stack runs as its sidecar (None: the default, Caddy)."""
    kind = kind or "caddy"
    if kind not in SIDECAR_KINDS:
        raise ValueError(
            f"odoo-ladder:proxy.kind: {kind!r} is not built as the step-7 sidecar behind the ALB; "
            f"set proxy.kind to caddy (the default) or nginx for step 7"
        )
    return kind


def _values(site: ProxySite, trusted_cidr: str) -> dict:
    """What both templates say alike: the port, the trusted range, the limits."""
    return dict(site=site, port=SIDECAR_PORT, trusted_cidr=trusted_cidr, idle_timeout=IDLE_TIMEOUT_SECONDS,
                max_body_mib=ODOO_MAX_BODY_MIB, read_timeout=BUS_READ_TIMEOUT_SECONDS)


def render_sidecar_caddyfile(site: ProxySite, trusted_cidr: str = VPC_CIDR) -> str:
    return render_template("Caddyfile-sidecar.j2", **_values(site, trusted_cidr), **caddy_log_filters())


def render_sidecar_nginx_conf(site: ProxySite, trusted_cidr: str = VPC_CIDR) -> str:
    return render_template("nginx-sidecar.conf.j2", **_values(site, trusted_cidr), log_filter=LOG_FILTER)


def sidecar_site(domain: str, odoo_version: str) -> ProxySite:
    """The site as the sidecar sees it: Odoo on the task's localhost, no certificate of its own."""
    return ProxySite(domain=domain, acme_email=None, acme_ca=None, internal_ca=False,
                     odoo_version=odoo_version, upstream_host="127.0.0.1")


def render_sidecar(site: ProxySite, config_dir: str, kind: str | None = None,
                   trusted_cidr: str = VPC_CIDR) -> Sidecar:
    kind = check_sidecar_kind(kind)
    if kind == "nginx":
        return Sidecar(kind=kind, image=NGINX, port=SIDECAR_PORT, config_name="nginx.conf",
                       config=render_sidecar_nginx_conf(site, trusted_cidr),
                       command=("nginx", "-c", f"{config_dir}/nginx.conf", "-g", "daemon off;"))
    return Sidecar(kind=kind, image=CADDY, port=SIDECAR_PORT, config_name="Caddyfile",
                   config=render_sidecar_caddyfile(site, trusted_cidr),
                   command=("caddy", "run", "--config", f"{config_dir}/Caddyfile", "--adapter", "caddyfile"))

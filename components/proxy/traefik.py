"""The third kind: Traefik, configured by files only (static and dynamic), ACME over HTTP-01.

Traefik is usually configured through container labels, which it reads from the Docker socket.
Read-only or not, that socket is the Docker API: whoever holds it can start a privileged container
and own the host, so a compromised edge proxy would be a compromised host. The file provider needs
no socket: the routes are rendered here, like the Caddyfile and the nginx files, and the compose
service mounts them read-only.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from components.proxy.caddy import LETS_ENCRYPT_PRODUCTION
from components.proxy.site import BUS_READ_TIMEOUT_SECONDS, ODOO_MAX_BODY_MIB, ProxySite
from components.proxy.templating import render_template

RESOLVER = "acme"
HSTS_SECONDS = 63072000
# Text only: Odoo's attachments and images are already compressed (as the Caddyfile does).
COMPRESSED_TYPES = ["text/html", "text/css", "text/plain", "text/xml", "text/javascript",
                    "application/javascript", "application/json", "application/xml", "image/svg+xml"]


@dataclass(frozen=True)
class TraefikPaths:
    """Where things live inside the traefik container."""

    static: str = "/etc/traefik/traefik.yml"
    dynamic: str = "/etc/traefik/dynamic.yml"
    start_script: str = "/etc/traefik/start.sh"
    acme_dir: str = "/var/lib/traefik"
    log_dir: str = "/var/log/traefik"

    @property
    def acme_storage(self) -> str:
        return f"{self.acme_dir}/acme.json"

    @property
    def access_log(self) -> str:
        return f"{self.log_dir}/access.log"


PATHS = TraefikPaths()


def _yaml(header: str, document: dict) -> str:
    return f"# Rendered by odoo-ladder: {header}\n" + yaml.safe_dump(document, sort_keys=False)


def render_traefik_static(site: ProxySite) -> str:
    """Entry points, the ACME resolver, the file provider, the access log."""
    secure: dict = {
        "address": ":443",
        # Traefik's 60 s default would cut a slow 128 MiB upload; the same 720 s as the other two.
        # No forwardedHeaders.trustedIPs: Traefik is the first hop, so it drops any X-Forwarded-*
        # the client sent and sets its own.
        "transport": {"respondingTimeouts": {"readTimeout": f"{BUS_READ_TIMEOUT_SECONDS}s"}},
    }
    document: dict = {
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
        "entryPoints": {
            "web": {"address": ":80",
                    # ACME's HTTP-01 route outranks this redirect (Traefik gives it top priority).
                    "http": {"redirections": {"entryPoint": {"to": "websecure", "scheme": "https",
                                                             "permanent": True}}}},
            "websecure": secure,
        },
        "providers": {"file": {"filename": PATHS.dynamic}},
        "accessLog": {
            "filePath": PATHS.access_log,
            "format": "json",
            # Password-reset, signup and portal links carry their token in the query string: the log
            # keeps every path without its query (Traefik cannot filter by pattern like the other two).
            # Request headers (the Referer among them) are not logged at all.
            "fields": {"defaultMode": "keep", "queryParameters": {"defaultMode": "drop"},
                       "headers": {"defaultMode": "drop"}},
        },
        "log": {"level": "INFO"},
    }
    if not site.internal_ca:
        acme = {"caServer": site.acme_ca or LETS_ENCRYPT_PRODUCTION, "storage": PATHS.acme_storage,
                "httpChallenge": {"entryPoint": "web"}}
        if site.acme_email:
            acme = {"email": site.acme_email, **acme}
        document["certificatesResolvers"] = {RESOLVER: {"acme": acme}}
    return _yaml(f"Traefik's static configuration for {site.domain}.", document)


def render_traefik_dynamic(site: ProxySite) -> str:
    """Routers, middlewares and the two Odoo services."""
    host = f"Host(`{site.domain}`)"
    # Local target: no ACME; Traefik serves its own self-signed certificate.
    tls = {} if site.internal_ca else {"certResolver": RESOLVER}
    common = ["hsts", "proto-https"]
    routers = {
        # /web/database matches no router at all, so Traefik answers 404 without asking Odoo.
        "odoo": {"rule": f"{host} && !PathPrefix(`/web/database`) && !PathPrefix(`{site.bus_path}`)",
                 "entryPoints": ["websecure"], "service": "odoo-http", "tls": dict(tls),
                 "middlewares": [*common, "body-limit", "compress"]},
        # Odoo's bus (gevent worker): a websocket, which Traefik upgrades by itself.
        "odoo-bus": {"rule": f"{host} && PathPrefix(`{site.bus_path}`)",
                     "entryPoints": ["websecure"], "service": "odoo-bus", "tls": dict(tls), "middlewares": common},
    }
    middlewares = {
        "hsts": {"headers": {"stsSeconds": HSTS_SECONDS}},
        # Traefik says `wss` on a websocket upgrade; Odoo's proxy_mode (werkzeug's ProxyFix) takes it
        # as the URL scheme, so the bus would see wss:// URLs where Odoo compares them with https://.
        "proto-https": {"headers": {"customRequestHeaders": {"X-Forwarded-Proto": "https"}}},
        # Odoo accepts request bodies up to 128 MiB; let exactly that through. Traefik's only body
        # limit is its buffering middleware: bodies over 1 MiB wait in a temporary file until complete.
        "body-limit": {"buffering": {"maxRequestBodyBytes": ODOO_MAX_BODY_MIB * 1024 * 1024,
                                     "memRequestBodyBytes": 1024 * 1024}},
        "compress": {"compress": {"includedContentTypes": COMPRESSED_TYPES}},
    }
    services = {
        "odoo-http": {"loadBalancer": {"servers": [{"url": f"http://{site.upstream_host}:{site.http_port}"}]}},
        "odoo-bus": {"loadBalancer": {"servers": [{"url": f"http://{site.upstream_host}:{site.bus_port}"}]}},
    }
    return _yaml(f"Traefik's routes for {site.domain} (file provider).",
                 {"http": {"routers": routers, "middlewares": middlewares, "services": services}})


def render_traefik_start_script(site: ProxySite) -> str:
    """The traefik container's entrypoint: Traefik, plus access-log rotation (Traefik has none)."""
    return render_template("traefik-start.sh.j2", site=site, paths=PATHS)

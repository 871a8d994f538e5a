"""The HTTPS reverse proxy in front of Odoo (Step 1: Caddy, Step 2: nginx + certbot).

Pure renderers only: a `ProxySite` goes in, text and compose fragments come out.
"""
from components.proxy.bundle import ProxyBundle, render_proxy
from components.proxy.caddy import render_caddyfile
from components.proxy.nginx import (
    render_certbot_script,
    render_nginx_http_conf,
    render_nginx_start_script,
    render_nginx_tls_conf,
)
from components.proxy.site import ProxySite, bus_route

__all__ = [
    "ProxyBundle",
    "ProxySite",
    "bus_route",
    "render_caddyfile",
    "render_certbot_script",
    "render_nginx_http_conf",
    "render_nginx_start_script",
    "render_nginx_tls_conf",
    "render_proxy",
]

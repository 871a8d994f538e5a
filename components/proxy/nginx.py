"""Step 2: nginx + certbot (HTTP-01 through a shared webroot, renewal picked up by reload)."""
from dataclasses import dataclass

from components.proxy.caddy import LETS_ENCRYPT_PRODUCTION
from components.proxy.log_filter import LOG_FILTER
from components.proxy.nginx_version import NginxFeatures
from components.proxy.site import BUS_READ_TIMEOUT_SECONDS, ODOO_MAX_BODY_MIB, ProxySite
from components.proxy.templating import render_template, static_file


@dataclass(frozen=True)
class NginxPaths:
    """Where things live inside the nginx and certbot containers."""

    domain: str
    http_conf: str = "/etc/nginx/conf.d/default.conf"
    ladder_dir: str = "/etc/nginx/odoo-ladder"
    webroot: str = "/var/www/certbot"
    letsencrypt: str = "/etc/letsencrypt"
    log_dir: str = "/var/log/nginx/odoo"
    certbot_script: str = "/opt/odoo-ladder/certbot.sh"

    @property
    def tls_conf(self) -> str:
        return f"{self.ladder_dir}/odoo-tls.conf"

    @property
    def enabled_dir(self) -> str:
        # Written by start.sh at run time: the only writable path under /etc/nginx.
        return f"{self.ladder_dir}/enabled"

    @property
    def start_script(self) -> str:
        return f"{self.ladder_dir}/start.sh"

    @property
    def dhparam(self) -> str:
        return f"{self.ladder_dir}/ffdhe2048.pem"

    @property
    def live_dir(self) -> str:
        return f"{self.letsencrypt}/live/{self.domain}"

    @property
    def access_log(self) -> str:
        return f"{self.log_dir}/access.log"


def nginx_paths(site: ProxySite) -> NginxPaths:
    return NginxPaths(domain=site.domain)


# Docker's embedded DNS, in every container on a user-defined network: it answers service names.
DOCKER_DNS = "127.0.0.11"
# Docker's DNS answers with a 600 s TTL; nginx re-asks this often instead, so a recreated odoo
# container (a new address) is followed within seconds, without a reload.
DNS_VALID_SECONDS = 10


def _values(site: ProxySite, nginx: NginxFeatures) -> dict:
    return {
        "site": site,
        "nginx": nginx,
        "docker_dns": DOCKER_DNS,
        "dns_valid_seconds": DNS_VALID_SECONDS,
        "paths": nginx_paths(site),
        "acme_ca": site.acme_ca or LETS_ENCRYPT_PRODUCTION,
        "max_body_mib": ODOO_MAX_BODY_MIB,
        "read_timeout": BUS_READ_TIMEOUT_SECONDS,
        "log_filter": LOG_FILTER,
    }


def render_nginx_http_conf(site: ProxySite, nginx: NginxFeatures = NginxFeatures()) -> str:
    """Port 80: ACME webroot and the redirect; includes the TLS server once enabled."""
    return render_template("nginx-http.conf.j2", **_values(site, nginx))


def render_nginx_tls_conf(site: ProxySite, nginx: NginxFeatures = NginxFeatures()) -> str:
    """Port 443: TLS, routing to Odoo, headers, limits."""
    return render_template("nginx-tls.conf.j2", **_values(site, nginx))


def render_nginx_start_script(site: ProxySite, nginx: NginxFeatures = NginxFeatures()) -> str:
    """The nginx container's entrypoint: bootstrap phases, reload on renewal, log rotation."""
    return render_template("nginx-start.sh.j2", **_values(site, nginx))


def render_certbot_script(site: ProxySite, nginx: NginxFeatures = NginxFeatures()) -> str:
    """The certbot container's entrypoint: first certificate, then scheduled renewal."""
    return render_template("certbot.sh.j2", **_values(site, nginx))


def dhparam_pem() -> str:
    """RFC 7919 ffdhe2048 group (a published constant, not a secret)."""
    return static_file("ffdhe2048.pem")

"""Step 1: the Caddyfile (automatic HTTPS through ACME, or Caddy's internal CA locally)."""
from components.proxy.log_filter import LOG_FILTER
from components.proxy.site import BUS_READ_TIMEOUT_SECONDS, ODOO_MAX_BODY_MIB, ProxySite
from components.proxy.templating import render_template

LETS_ENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory"

# Paths inside the caddy container (the compose service mounts volumes there).
CADDYFILE_PATH = "/etc/caddy/Caddyfile"
CADDY_ACCESS_LOG = "/var/log/caddy/access.log"
LOG_ROLL_SIZE_MIB = 50
LOG_ROLL_KEEP = 10


def caddy_log_filters() -> dict[str, tuple[str, str]]:
    """The `format filter` patterns for the request URI and the Referer/Location (log_filter.py)."""
    return {"uri_filter": LOG_FILTER.caddy(LOG_FILTER.uri_secret_path, LOG_FILTER.uri_token),
            "referer_filter": LOG_FILTER.caddy(LOG_FILTER.referer_secret_path, LOG_FILTER.referer_token)}


def render_caddyfile(site: ProxySite) -> str:
    return render_template(
        "Caddyfile.j2",
        site=site,
        acme_ca=site.acme_ca or LETS_ENCRYPT_PRODUCTION,
        access_log=CADDY_ACCESS_LOG,
        log_roll_size_mib=LOG_ROLL_SIZE_MIB,
        log_roll_keep=LOG_ROLL_KEEP,
        max_body_mib=ODOO_MAX_BODY_MIB,
        read_timeout=BUS_READ_TIMEOUT_SECONDS,
        **caddy_log_filters(),
    )

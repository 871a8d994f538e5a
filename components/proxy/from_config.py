"""The proxy's view of a stack: which site it serves, derived from the validated config."""
from __future__ import annotations

from typing import Optional

from components.proxy.bundle import ProxyBundle, render_proxy
from components.proxy.site import ProxySite
from configs.load import LadderConfig

LOCAL_DOMAIN = "localhost"


def proxy_site(cfg: LadderConfig) -> ProxySite:
    """Locally Caddy's internal CA signs `localhost`-style names; on AWS ACME does, for the domain."""
    settings = cfg.settings
    return ProxySite(
        domain=settings.domain or LOCAL_DOMAIN,
        acme_email=settings.acme_email,
        acme_ca=settings.proxy.acme_ca,
        internal_ca=settings.target == "local",
        odoo_version=settings.odoo.version,
    )


def proxy_bundle(cfg: LadderConfig) -> Optional[ProxyBundle]:
    if not cfg.components.proxy:
        return None
    return render_proxy(proxy_site(cfg), cfg.components.proxy)


def site_url(cfg: LadderConfig) -> Optional[str]:
    return f"https://{proxy_site(cfg).domain}" if cfg.components.proxy else None

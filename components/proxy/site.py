"""What the proxy renderers need to know about one Odoo site."""
from dataclasses import dataclass

SUPPORTED_ODOO_VERSIONS = ("17.0", "18.0", "19.0")

# Odoo caps a request body at 128 MiB (werkzeug max_content_length in odoo.http);
# the proxy must let exactly that much through, never less.
ODOO_MAX_BODY_MIB = 128

# Odoo's reference nginx configuration keeps websocket/longpolling reads open this long.
BUS_READ_TIMEOUT_SECONDS = 720


@dataclass(frozen=True)
class ProxySite:
    domain: str
    acme_email: str | None
    # None means Let's Encrypt production; tests point it at pebble, users may pick LE staging.
    acme_ca: str | None
    # Local target: Caddy's own CA for localhost-style names (no ACME at all).
    internal_ca: bool
    odoo_version: str
    upstream_host: str = "odoo"
    http_port: int = 8069
    bus_port: int = 8072

    def __post_init__(self) -> None:
        if not self.domain or "/" in self.domain or " " in self.domain:
            raise ValueError(f"domain: {self.domain!r} is not a host name")
        if self.odoo_version not in SUPPORTED_ODOO_VERSIONS:
            raise ValueError(
                f"odoo_version: {self.odoo_version!r} is not one of {', '.join(SUPPORTED_ODOO_VERSIONS)}"
            )

    @property
    def bus_path(self) -> str:
        return bus_route(self.odoo_version)


def bus_route(odoo_version: str) -> str:
    """The path Odoo's bus (gevent worker on bus_port) answers on.

    Odoo 16 replaced longpolling with a websocket at /websocket; older versions poll
    /longpolling. Only 17.0+ is supported here, but the rule lives in this one place.
    """
    major = int(odoo_version.split(".", 1)[0])
    return "/websocket" if major >= 16 else "/longpolling"

"""odoo.conf without its secrets: the delivery appends db_password and admin_passwd on the host."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from components.app.service import ADDONS_DIR, BUS_PORT, DATA_DIR, DB_USER, HTTP_PORT, OdooService

# Inside the Odoo containers: the RDS CA bundle, mounted read-only (compose.py).
DB_CA_PATH = "/etc/odoo-ladder/rds-ca.pem"


@dataclass(frozen=True)
class ExternalDatabase:
    """A database outside the compose project (RDS, step 5 on): Odoo reaches it over verified TLS.

    Odoo passes only db_host, db_port, db_user, db_password and db_sslmode to libpq; the CA bundle
    reaches libpq through PGSSLROOTCERT in the containers' environment (compose.py). db_sslrootcert
    is written too, for the odoo-ladder scripts and the reader: Odoo itself ignores it."""
    host: str
    port: int
    maxconn: int
    rootcert: str = DB_CA_PATH


def db_options(service: OdooService, database: Optional[ExternalDatabase]) -> dict[str, str]:
    if database is None:
        return {"db_host": service.db_host, "db_port": "5432"}
    return {"db_host": database.host, "db_port": str(database.port), "db_sslmode": "verify-full",
            "db_sslrootcert": database.rootcert, "db_maxconn": str(database.maxconn)}


# Step 7 runs two kinds of task from one config: web tasks leave cron to the one cron task (cron on a
# web task takes its workers), and the cron task serves no HTTP. "host" is steps 0-6: one Odoo does both.
ROLES = ("host", "web", "cron")


def render_odoo_conf(service: OdooService, database: Optional[ExternalDatabase] = None, role: str = "host") -> str:
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {ROLES}")
    options = {
        **db_options(service, database),
        "db_user": DB_USER,
        "db_name": service.db_name,
        # Only the stack's database is served, and the database manager is off.
        "dbfilter": f"^{re.escape(service.db_name)}$",
        "list_db": "False",
        "proxy_mode": str(service.proxy_mode),
        "data_dir": DATA_DIR,
        "http_port": str(HTTP_PORT),
        "gevent_port": str(BUS_PORT),
        "workers": str(service.workers),
        "max_cron_threads": str(service.max_cron_threads),
        # 128 MiB uploads must reach Odoo; the proxies allow the same.
        "limit_request": "8192",
        "limit_time_cpu": "600",
        "limit_time_real": "1200",
        "limit_memory_soft": str(2048 * 1024 * 1024),
        "limit_memory_hard": str(2560 * 1024 * 1024),
        "without_demo": "all",
    }
    if service.own_image:
        # The repository's addons/, baked into the stack's own image; Odoo adds its own addons to the path.
        options["addons_path"] = ADDONS_DIR
    if role == "web":
        options["max_cron_threads"] = "0"
    elif role == "cron":
        options["http_enable"] = "False"
    lines = ["[options]"] + [f"{key} = {value}" for key, value in options.items()]
    return "\n".join(lines) + "\n"

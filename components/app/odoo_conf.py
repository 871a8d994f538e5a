"""odoo.conf without its secrets: the delivery appends db_password and admin_passwd on the host."""
from __future__ import annotations

import re

from components.app.service import ADDONS_DIR, BUS_PORT, DATA_DIR, DB_USER, HTTP_PORT, OdooService


def render_odoo_conf(service: OdooService) -> str:
    options = {
        "db_host": service.db_host,
        "db_port": "5432",
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
    lines = ["[options]"] + [f"{key} = {value}" for key, value in options.items()]
    return "\n".join(lines) + "\n"

"""The Odoo application's own files: the compose project, odoo.conf (without secrets), its scripts.

Pure rendering. What the other components add (the proxy's services, the logging driver) comes in
as arguments, so the app layer imports none of them; components/delivery/bundle.py gathers it all.
"""
from __future__ import annotations

from typing import Any, Optional

from components.app.compose import project_name, render_compose
from components.app.odoo_conf import ExternalDatabase, render_odoo_conf
from components.app.runtime_files import runtime_files
from components.app.service import odoo_service
from configs.load import LadderConfig


def render_app_files(cfg: LadderConfig, proxy: Optional[Any] = None,
                     logging: Optional[dict] = None, database: Optional[ExternalDatabase] = None) -> dict[str, str]:
    """Relative path in the project directory -> content. proxy: a ProxyBundle whose services join
    the compose file; logging: the compose logging of every service (None: rotated json-file);
    database: the RDS endpoint (step 5 on; None: the project's own `db` service)."""
    service = odoo_service(cfg)
    files = {
        "docker-compose.yml": render_compose(service, cfg.settings.target, proxy, project_name(cfg.stack), logging,
                                             cfg.settings.host.instance_type, database),
        "odoo.conf.base": render_odoo_conf(service, database),
        **runtime_files(),
    }
    return files

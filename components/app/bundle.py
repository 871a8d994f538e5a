"""Every file the Docker host gets for the compose project, rendered from the config alone."""
from __future__ import annotations

from components.app.compose import project_name, render_compose
from components.app.odoo_conf import render_odoo_conf
from components.app.runtime_files import runtime_files
from components.app.service import odoo_service
from components.backup.host_files import render_host_files
from components.logs.logs import container_logging
from components.proxy.from_config import proxy_bundle
from configs.load import LadderConfig


# Where the backup bucket's name goes when it is not known yet (`ladder render`, before `pulumi up`).
BUCKET_PLACEHOLDER = "odoo-ladder-backup-bucket"


def render_bundle(cfg: LadderConfig, backup_bucket: str = BUCKET_PLACEHOLDER) -> dict[str, str]:
    """Relative path in the project directory -> content. No secret is ever part of it."""
    service = odoo_service(cfg)
    proxy = proxy_bundle(cfg)
    files = {
        "docker-compose.yml": render_compose(service, cfg.settings.target, proxy, project_name(cfg.stack),
                                             container_logging(cfg)),
        "odoo.conf.base": render_odoo_conf(service),
        **runtime_files(),
    }
    if proxy is not None:
        files.update(proxy.files)
    if cfg.components.backup:
        files.update(render_host_files(cfg, backup_bucket))
    return files

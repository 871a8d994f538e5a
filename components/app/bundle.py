"""Every file the Docker host gets for the compose project, rendered from the config alone."""
from __future__ import annotations

from pathlib import Path

from components.app.compose import project_name, render_compose
from components.app.odoo_conf import render_odoo_conf
from components.app.service import odoo_service
from components.backup.host_files import render_host_files
from components.logs.logs import container_logging
from components.proxy.from_config import proxy_bundle
from configs.load import LadderConfig

SCRIPTS = Path(__file__).parent / "scripts"
# The Odoo image with the secrets entrypoint (Step 3 on), built on the host from these files.
IMAGE_DIR = Path(__file__).resolve().parent.parent.parent / "image"
IMAGE_FILES = ("Dockerfile", "odoo_ladder_entrypoint.py")


# Where the backup bucket's name goes when it is not known yet (`ladder render`, before `pulumi up`).
BUCKET_PLACEHOLDER = "odoo-ladder-backup-bucket"


def render_bundle(cfg: LadderConfig, backup_bucket: str = BUCKET_PLACEHOLDER) -> dict[str, str]:
    """Relative path in the project directory -> content. No secret is ever part of it."""
    service = odoo_service(cfg)
    proxy = proxy_bundle(cfg)
    files = {
        "docker-compose.yml": render_compose(service, cfg.settings.target, proxy, project_name(cfg.stack),
                                             container_logging(cfg), cfg.settings.host.instance_type),
        "odoo.conf.base": render_odoo_conf(service),
        "init-db.sh": (SCRIPTS / "init-db.sh").read_text(),
        "db-init/10-odoo-role.sh": (SCRIPTS / "db-init" / "10-odoo-role.sh").read_text(),
    }
    if proxy is not None:
        files.update(proxy.files)
    if service.secret_store:
        files.update({f"image/{name}": (IMAGE_DIR / name).read_text() for name in IMAGE_FILES})
    if cfg.components.backup:
        files.update(render_host_files(cfg, backup_bucket))
    return files

"""Every file the Docker host gets for the compose project, gathered from each component that renders one.

The one owner of the host bundle: the delivery sits above the components, so it may import them all,
and none of them imports another one above it. No secret is ever part of the bundle.
"""
from __future__ import annotations

from components.app.app import render_app_files
from components.backup.host_files import render_host_files
from components.logs.logs import container_logging
from components.proxy.from_config import proxy_bundle
from configs.load import LadderConfig

# Where the backup bucket's name goes when it is not known yet (`ladder render`, before `pulumi up`).
BUCKET_PLACEHOLDER = "odoo-ladder-backup-bucket"


def render_bundle(cfg: LadderConfig, backup_bucket: str = BUCKET_PLACEHOLDER) -> dict[str, str]:
    """Relative path in the project directory -> content."""
    proxy = proxy_bundle(cfg)
    files = render_app_files(cfg, proxy, container_logging(cfg))
    if proxy is not None:
        files.update(proxy.files)
    if cfg.components.backup:
        files.update(render_host_files(cfg, backup_bucket))
    return files

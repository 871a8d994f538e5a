"""Every file the Docker host gets for the compose project, gathered from each component that renders one.

The one owner of the host bundle: the delivery sits above the components, so it may import them all,
and none of them imports another one above it. No secret is ever part of the bundle.
"""
from __future__ import annotations

from typing import Optional

from components.app.app import render_app_files
from components.app.compose import host_config_dir, project_name
from components.app.service import odoo_service
from components.backup.host_files import render_host_files
from components.database.host_files import (PLACEHOLDER_ADDRESS, PLACEHOLDER_SECRET, PLAN_FILE, RdsEndpoint,
                                            render_database_files, render_plan)
from components.database.settings import odoo_db_maxconn
from configs.moves import keeps_rds
from components.logs.logs import container_logging
from components.proxy.from_config import proxy_bundle
from configs.load import LadderConfig

# Where the backup bucket's name goes when it is not known yet (`ladder render`, before `pulumi up`).
BUCKET_PLACEHOLDER = "odoo-ladder-backup-bucket"


# Until the move to RDS is done on the host, the project runs on its own `db` service: these are the
# container's versions of the files the move switches (components/delivery/database_steps.py).
CONTAINER_VARIANTS = ("docker-compose.yml", "odoo.conf.base")


def rds_endpoint(cfg: LadderConfig, database: Optional[RdsEndpoint]) -> Optional[RdsEndpoint]:
    """The stack's RDS instance as the host sees it; a placeholder before AWS has made it (`ladder render`)."""
    if not keeps_rds(cfg):
        return None
    return database or RdsEndpoint(PLACEHOLDER_ADDRESS, 5432, PLACEHOLDER_SECRET, cfg.region,
                                   cfg.settings.odoo.db_name, odoo_db_maxconn(cfg))


def render_bundle(cfg: LadderConfig, backup_bucket: str = BUCKET_PLACEHOLDER,
                  database: Optional[RdsEndpoint] = None) -> dict[str, str]:
    """Relative path in the project directory -> content. database: the RDS instance (step 5 on)."""
    proxy = proxy_bundle(cfg)
    endpoint = rds_endpoint(cfg, database)
    on_rds = cfg.components.database == "rds"
    files = render_app_files(cfg, proxy, container_logging(cfg), endpoint.odoo_database() if on_rds else None)
    if endpoint is not None:
        # The other side's versions, for until the host has moved (to RDS, or back with allow_move_back).
        other = render_app_files(cfg, proxy, container_logging(cfg), None if on_rds else endpoint.odoo_database())
        folder = "database/container" if on_rds else "database/rds"
        files.update({f"{folder}/{name}": other[name] for name in CONTAINER_VARIANTS})
        files[PLAN_FILE] = render_plan(on_rds, cfg.settings.database.retire_container)
    if cfg.settings.target == "aws":
        project = project_name(cfg.stack)
        files.update(render_database_files(endpoint, on_rds, f"{host_config_dir(project)}/rds-ca.pem", project,
                                           odoo_service(cfg)))
    if proxy is not None:
        files.update(proxy.files)
    if cfg.components.backup:
        files.update(render_host_files(cfg, backup_bucket))
    return files

"""What Step 4 installs on the Docker host: the backup and restore commands, the timer, and the
defaults `odoo-restore` reads, all rendered from the config and the bucket's name."""
from __future__ import annotations

import shlex
from pathlib import Path

from components.app.compose import FILESTORE_VOLUME, HOST_DATA_DIR, project_name
from components.backup.policy import BACKUP_PREFIX
from components.backup.units import render_units
from configs.load import LadderConfig

SCRIPTS = Path(__file__).parent / "scripts"
# Odoo's data_dir as the host sees it: the filestore volume's folder on the EBS data volume.
HOST_ODOO_DATA_DIR = f"{HOST_DATA_DIR}/{FILESTORE_VOLUME}"
WORK_DIR = f"{HOST_DATA_DIR}/backup-work"
ENV_FILE = "/etc/odoo-ladder/backup.env"

# Bundle path -> where the apply script installs it on the host.
INSTALL_PATHS = {
    "host/bin/odoo-backup": "/usr/local/bin/odoo-backup",
    "host/bin/odoo-restore": "/usr/local/bin/odoo-restore",
    "host/systemd/odoo-backup.service": "/etc/systemd/system/odoo-backup.service",
    "host/systemd/odoo-backup.timer": "/etc/systemd/system/odoo-backup.timer",
    "host/backup.env": ENV_FILE,
}


def render_host_files(cfg: LadderConfig, bucket: str) -> dict[str, str]:
    compose = f"docker compose -p {project_name(cfg.stack)}"
    db = cfg.settings.odoo.db_name
    # The superuser through the db container's local socket: no password needed, none on the host.
    pg_dump = f"{compose} exec -T db pg_dump -U postgres"
    units = render_units(cfg.settings.backup.time, bucket=bucket, db=db, prefix=BACKUP_PREFIX,
                         data_dir=HOST_ODOO_DATA_DIR, odoo_version=cfg.settings.odoo.version,
                         pg_dump_cmd=pg_dump, region=cfg.region, work_dir=WORK_DIR)
    restore_defaults = {
        "BACKUP_BUCKET": bucket,
        "BACKUP_PREFIX": BACKUP_PREFIX,
        "AWS_DEFAULT_REGION": cfg.region,
        "BACKUP_WORK_DIR": WORK_DIR,
        "ODOO_DATA_DIR": HOST_ODOO_DATA_DIR,
        "RESTORE_PSQL_CMD": f"{compose} exec -T db psql -U postgres",
        "RESTORE_PG_RESTORE_CMD": f"{compose} exec -T db pg_restore -U postgres",
        "RESTORE_NEUTRALIZE_CMD": f"{compose} run --rm --no-deps odoo odoo neutralize",
    }
    env = "".join(f"{key}={shlex.quote(value)}\n" for key, value in restore_defaults.items())
    return {
        "host/bin/odoo-backup": (SCRIPTS / "odoo-backup").read_text(),
        "host/bin/odoo-restore": (SCRIPTS / "odoo-restore").read_text(),
        **{f"host/systemd/{name}": text for name, text in units.items()},
        "host/backup.env": "# Defaults for odoo-restore: set -a; . " + ENV_FILE + "; set +a\n" + env,
    }

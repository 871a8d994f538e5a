"""What Step 4 installs on the Docker host: the backup and restore commands, the timer, and the
defaults `odoo-restore` reads, all rendered from the config and the bucket's name."""
from __future__ import annotations

import shlex
from pathlib import Path

from components.app.compose import FILESTORE_VOLUME, HOST_DATA_DIR, host_secrets_dir, project_name
from components.backup.alarms import NAMESPACE, alarms_on
from components.backup.policy import BACKUP_PREFIX
from components.backup.units import render_units
from configs.load import LadderConfig

SCRIPTS = Path(__file__).parent / "scripts"
# Odoo's data_dir as the host sees it: the filestore volume's folder on the EBS data volume.
HOST_ODOO_DATA_DIR = f"{HOST_DATA_DIR}/{FILESTORE_VOLUME}"
WORK_DIR = f"{HOST_DATA_DIR}/backup-work"
ENV_FILE = "/etc/odoo-ladder/backup.env"
# Where the delivery puts the compose project on the host (components/delivery/ssm.py's
# HOST_PROJECT_DIR): compose commands name it, so they work from any directory (`sudo -i` is /root).
PROJECT_DIR = "/srv/odoo-ladder"
OWNER_PSQL = "/usr/local/lib/odoo-ladder/psql-as-owner"
# Inside the one-off container that restores as Odoo's role: the host writer's odoo.conf and the helper.
RESTORE_CONF = "/run/odoo-ladder-restore/odoo.conf"
RESTORE_HELPER = "/usr/local/bin/psql-as-owner"

# Bundle path -> where the apply script installs it on the host.
INSTALL_PATHS = {
    "host/bin/odoo-backup": "/usr/local/bin/odoo-backup",
    "host/bin/odoo-restore": "/usr/local/bin/odoo-restore",
    "host/lib/psql-as-owner": OWNER_PSQL,
    "host/systemd/odoo-backup.service": "/etc/systemd/system/odoo-backup.service",
    "host/systemd/odoo-backup.timer": "/etc/systemd/system/odoo-backup.timer",
    "host/backup.env": ENV_FILE,
}


def database_env_file(project: str) -> str:
    """Where the delivery says which database the host uses (PLAN contract 1: DB_KIND=container or
    rds, and for RDS its endpoint, TLS settings and the master's secret)."""
    return f"/etc/odoo-ladder/{project}/database.env"


def restore_commands(project: str) -> dict[str, str]:
    """How odoo-restore reaches PostgreSQL on the host. The superuser (db container's socket) only
    creates, renames and drops databases; pg_restore only converts the archive to SQL; that SQL runs
    in a one-off Odoo container connected as Odoo's role with the host writer's odoo.conf."""
    compose = f"docker compose -p {project} --project-directory {PROJECT_DIR}"
    conf = f"{host_secrets_dir(project)}/odoo.conf"
    return {
        "RESTORE_PSQL_CMD": f"{compose} exec -T db psql -U postgres",
        "RESTORE_PG_RESTORE_CMD": f"{compose} exec -T db pg_restore",
        "RESTORE_OWNER_PSQL_CMD": (f"{compose} run --rm --no-deps -T -v {conf}:{RESTORE_CONF}:ro "
                                   f"-v {OWNER_PSQL}:{RESTORE_HELPER}:ro --entrypoint /bin/sh odoo "
                                   f"{RESTORE_HELPER} {RESTORE_CONF}"),
        "RESTORE_DB_OWNER": "odoo",
        "RESTORE_NEUTRALIZE_CMD": f"{compose} run --rm --no-deps odoo odoo neutralize",
        # A restore over the live database stops Odoo first and starts it again, whatever happens.
        "RESTORE_STOP_ODOO_CMD": f"{compose} stop odoo",
        "RESTORE_START_ODOO_CMD": f"{compose} start odoo",
    }


def render_host_files(cfg: LadderConfig, bucket: str) -> dict[str, str]:
    project = project_name(cfg.stack)
    compose = f"docker compose -p {project} --project-directory {PROJECT_DIR}"
    db = cfg.settings.odoo.db_name
    # The superuser through the db container's local socket: no password needed, none on the host.
    # Reading is all a dump does, so the superuser is safe here (a restore never runs as it).
    pg_dump = f"{compose} exec -T db pg_dump -U postgres"
    units = render_units(cfg.settings.backup.time, bucket=bucket, db=db, prefix=BACKUP_PREFIX,
                         data_dir=HOST_ODOO_DATA_DIR, odoo_version=cfg.settings.odoo.version,
                         pg_dump_cmd=pg_dump, region=cfg.region, work_dir=WORK_DIR,
                         metric_namespace=NAMESPACE if alarms_on(cfg) else None, metric_stack=cfg.stack,
                         database_env=database_env_file(project), odoo_conf=f"{host_secrets_dir(project)}/odoo.conf")
    restore_defaults = {
        "BACKUP_BUCKET": bucket,
        "BACKUP_PREFIX": BACKUP_PREFIX,
        "AWS_DEFAULT_REGION": cfg.region,
        "BACKUP_WORK_DIR": WORK_DIR,
        "ODOO_DATA_DIR": HOST_ODOO_DATA_DIR,
        **restore_commands(project),
        # With DB_KIND=rds in this file the restore goes to RDS instead of the compose commands above,
        # the master's secret read with the instance profile (the operator exports the restore role).
        "RESTORE_DATABASE_ENV": database_env_file(project),
        "RESTORE_ODOO_CONF": f"{host_secrets_dir(project)}/odoo.conf",
        "RESTORE_SECRETS_CREDENTIALS": "instance",
    }
    env = "".join(f"{key}={shlex.quote(value)}\n" for key, value in restore_defaults.items())
    return {
        "host/bin/odoo-backup": (SCRIPTS / "odoo-backup").read_text(),
        "host/bin/odoo-restore": (SCRIPTS / "odoo-restore").read_text(),
        "host/lib/psql-as-owner": (SCRIPTS / "psql-as-owner").read_text(),
        **{f"host/systemd/{name}": text for name, text in units.items()},
        "host/backup.env": "# Defaults for odoo-restore: set -a; . " + ENV_FILE + "; set +a\n" + env,
    }

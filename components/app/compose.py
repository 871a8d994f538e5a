"""The compose project: Odoo, its initialiser and PostgreSQL, plus the proxy from Step 1.

No container of the project reads a secret store or holds a password in its environment or argv:
the host's writer (components/delivery/secrets_steps.py) puts odoo.conf and the admin login into a
folder the Odoo containers mount read-only, and the db container gets no secret at all.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import yaml

from components.app.hardening import container_budget, harden
from components.app.odoo_conf import ExternalDatabase
from components.app.service import DATA_DIR, HTTP_PORT, OdooService
from components.images import POSTGRES as POSTGRES_IMAGE

# Where the EBS data volume is mounted on the AWS host; Postgres data and the filestore live there.
HOST_DATA_DIR = "/srv/odoo-data"
LOGGING = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "5"}}
INIT_SCRIPT = "/opt/odoo-ladder/init-db.sh"
START_SCRIPT = "/opt/odoo-ladder/odoo-start.sh"
WRITER_SCRIPT = "/opt/odoo-ladder/write-secrets.py"
FILESTORE_VOLUME = "odoo-filestore"
DB_VOLUME = "db-data"
# Locally (steps 0-2) the writer container fills this volume; on AWS it is a folder of the host's /run.
SECRETS_VOLUME = "odoo-secrets"
# Inside the Odoo containers: the writer's folder, read-only, and the config Odoo reads from it.
SECRETS_MOUNT = "/run/odoo-ladder"
ODOO_RC = f"{SECRETS_MOUNT}/odoo.conf"
# The writer's base config: odoo.conf without its secrets.
BASE_CONFIG_PATH = "/etc/odoo-ladder/odoo.conf"
# The initialiser's scratch tmpfs (its pgpass file).
INIT_TMPFS = "/run/odoo-init"
# PostgreSQL reads the project's rules on every start, whatever the data directory holds.
DB_COMMAND = ("postgres", "-c", "hba_file=/etc/odoo-ladder/pg_hba.conf",
              "-c", "ident_file=/etc/odoo-ladder/pg_ident.conf")


def _bind_to_data_volume(names: list[str], target: str) -> dict[str, Any]:
    """Local: Docker's named volumes. AWS: the same names, bound to folders on the EBS data volume,
    so everything stateful (database, filestore, certificates) outlives the instance."""
    if target == "local":
        return {name: {} for name in names}
    return {name: {"driver": "local", "driver_opts": {"type": "none", "o": "bind", "device": f"{HOST_DATA_DIR}/{name}"}}
            for name in names}


def _odoo_ports(service: OdooService, target: str, behind_proxy: bool) -> list[str]:
    if behind_proxy:
        return []
    # Step 0: 8069 straight to the browser; on a laptop only to itself, on AWS the firewall decides.
    bind = "127.0.0.1:" if target == "local" else ""
    return [f"{bind}{HTTP_PORT}:{HTTP_PORT}"]


def project_name(stack: str) -> str:
    """Compose project names allow lower-case letters, digits, dashes and underscores."""
    return "odoo-" + re.sub(r"[^a-z0-9_-]", "-", stack.lower())


# AWS: the host's writer puts the secrets in /run (tmpfs): they exist only while the host runs.
HOST_SECRETS_ROOT = "/run/odoo-ladder"


def host_secrets_dir(project: str) -> str:
    return f"{HOST_SECRETS_ROOT}/{project}"


# AWS: the project's host-side settings that hold no secret (PLAN contract 1: database.env, rds-ca.pem).
HOST_CONFIG_ROOT = "/etc/odoo-ladder"


def host_config_dir(project: str) -> str:
    return f"{HOST_CONFIG_ROOT}/{project}"


def _on_external_database(services: dict[str, Any], database: ExternalDatabase, project: str) -> None:
    """RDS (step 5 on): no `db` service; both Odoo containers verify the server against the bundle the
    host keeps (mounted read-only), and the initialiser needs a route out of the internal network."""
    del services["db"]
    for name in ("odoo-init", "odoo"):
        definition = services[name]
        definition["environment"] = {**definition["environment"], "PGSSLMODE": "verify-full",
                                     "PGSSLROOTCERT": database.rootcert}
        definition["volumes"] = definition["volumes"] + [f"{host_config_dir(project)}/rds-ca.pem:{database.rootcert}:ro"]
    services["odoo-init"]["networks"] = ["edge"]
    del services["odoo-init"]["depends_on"]


def _secrets_source(service: OdooService, project: str) -> str:
    return host_secrets_dir(project) if service.secret_store else SECRETS_VOLUME


def _odoo_common(service: OdooService, project: str) -> dict[str, Any]:
    """Both Odoo containers: the official image, the writer's folder read-only, ODOO_RC naming it.
    The official /entrypoint.sh is bypassed (`entrypoint:` in each service): before May 2026 it
    copied db_password onto the command line of odoo and wait-for-psql.py."""
    return {
        "image": service.image,
        "environment": {"ODOO_RC": ODOO_RC},
        "volumes": [f"{_secrets_source(service, project)}:{SECRETS_MOUNT}:ro", f"{FILESTORE_VOLUME}:{DATA_DIR}"],
    }


def _secrets_writer(service: OdooService) -> dict[str, Any]:
    """Locally (steps 0-2): the host's writer, run by the delivery in a one-shot container of the official
    image (its python3) as root, so the files get the odoo uid and 0400 in the volume. The values come
    by name from the delivery's environment (`run -e NAME`): never in a file of the project or an argv."""
    return {
        "image": service.image,
        "profiles": ["delivery"],
        "user": "0",
        "entrypoint": ["/usr/bin/python3", "-I", WRITER_SCRIPT],
        "command": ["--write-config", SECRETS_MOUNT, "--owner", f"{service.uid}:{service.gid}", "--allow-disk"],
        "environment": {"ODOO_LADDER_SECRET_STORE": "env", "ODOO_LADDER_BASE_CONFIG": BASE_CONFIG_PATH},
        "volumes": [f"./odoo_ladder_entrypoint.py:{WRITER_SCRIPT}:ro", f"./odoo.conf.base:{BASE_CONFIG_PATH}:ro",
                    f"{SECRETS_VOLUME}:{SECRETS_MOUNT}"],
        "network_mode": "none",
        # Its capabilities (cap_drop ALL plus what it needs) come from hardening.py, as every service's do.
        "logging": LOGGING,
    }


def _on_loopback(services: dict[str, Any]) -> dict[str, Any]:
    """On a laptop the proxy answers the laptop only, not its network."""
    return {name: {**definition, "ports": [f"127.0.0.1:{port}" for port in definition["ports"]]}
            if definition.get("ports") else definition for name, definition in services.items()}


def compose_document(service: OdooService, target: str, proxy: Optional[Any] = None,
                     project: str = "odoo", logging: Optional[dict] = None,
                     database: Optional[ExternalDatabase] = None) -> dict[str, Any]:
    common = _odoo_common(service, project)
    services: dict[str, Any] = {
        "db": {
            "image": POSTGRES_IMAGE,
            "command": list(DB_COMMAND),
            "environment": {
                "POSTGRES_USER": "postgres",
                "POSTGRES_DB": "postgres",
                # The image refuses to initialise without a superuser password unless told to trust
                # every network client. A fresh random value that nobody keeps or sees satisfies it;
                # the superuser is reached only through the local socket (pg_hba.conf: peer).
                "POSTGRES_PASSWORD_FILE": "/proc/sys/kernel/random/uuid",
            },
            "volumes": [
                f"{DB_VOLUME}:/var/lib/postgresql/data",
                "./postgres/pg_hba.conf:/etc/odoo-ladder/pg_hba.conf:ro",
                "./postgres/pg_ident.conf:/etc/odoo-ladder/pg_ident.conf:ro",
            ],
            "networks": ["internal"],
            "healthcheck": {"test": ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"],
                            "interval": "10s", "timeout": "5s", "retries": 6},
            "restart": "unless-stopped",
            "logging": LOGGING,
        },
        "odoo-init": {
            **common,
            "entrypoint": ["/bin/sh", INIT_SCRIPT],
            "volumes": common["volumes"] + [f"./init-db.sh:{INIT_SCRIPT}:ro"],
            "tmpfs": [f"{INIT_TMPFS}:mode=0700,uid={service.uid},gid={service.gid}"],
            "networks": ["internal"],
            "depends_on": {"db": {"condition": "service_healthy"}},
            "restart": "no",
            "logging": LOGGING,
        },
        "odoo": {
            **common,
            "entrypoint": ["/bin/sh", START_SCRIPT],
            "command": ["odoo"],
            "volumes": common["volumes"] + [f"./odoo-start.sh:{START_SCRIPT}:ro"],
            "networks": ["internal", "edge"],
            "depends_on": {"odoo-init": {"condition": "service_completed_successfully"}},
            "healthcheck": {"test": list(service.healthcheck), "interval": "30s", "timeout": "10s",
                            "retries": 5, "start_period": "60s"},
            "restart": "unless-stopped",
            "logging": LOGGING,
        },
    }
    if not service.secret_store:
        services["secrets-writer"] = _secrets_writer(service)
    if database is not None:
        _on_external_database(services, database, project)
    ports = _odoo_ports(service, target, proxy is not None)
    if ports:
        services["odoo"]["ports"] = ports
    else:
        services["odoo"]["expose"] = [str(port) for port in service.ports]
    # On RDS the container's data folder stays on the data volume, outside the project
    # (database.retire_container decides when it goes: components/delivery/database_steps.py).
    names = [FILESTORE_VOLUME] + ([DB_VOLUME] if database is None else [])
    if proxy is not None:
        services.update(_on_loopback(proxy.services) if target == "local" else proxy.services)
        names += [name for name in proxy.volumes if name not in names]
    volumes = _bind_to_data_volume(names, target)
    if not service.secret_store:
        volumes[SECRETS_VOLUME] = {}  # the writer's files; Docker's storage, never the EBS data volume
    if logging is not None:
        for definition in services.values():
            definition["logging"] = logging
    return {
        "services": services,
        "networks": {"internal": {"internal": True}, "edge": {}},
        "volumes": volumes,
    }


def render_compose(service: OdooService, target: str, proxy: Optional[Any] = None, project: str = "odoo",
                   logging: Optional[dict] = None, instance_type: Optional[str] = None,
                   database: Optional[ExternalDatabase] = None) -> str:
    # Every service: no-new-privileges, cap_drop ALL (+ what it needs), memory and pids limits.
    document = harden(compose_document(service, target, proxy, project, logging, database),
                      container_budget(target, instance_type))
    return yaml.safe_dump(document, sort_keys=False)


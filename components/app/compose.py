"""The compose project: Odoo, its first-start initialiser and PostgreSQL, plus the proxy from Step 1."""
from __future__ import annotations

import re
from typing import Any, Optional

import yaml

from components.app.hardening import container_budget, harden
from components.app.service import (CONFIG_PATH, DATA_DIR, HTTP_PORT, OdooService,
                                    base_image_tag)
from components.images import POSTGRES as POSTGRES_IMAGE

# Where the EBS data volume is mounted on the AWS host; Postgres data and the filestore live there.
HOST_DATA_DIR = "/srv/odoo-data"
LOGGING = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "5"}}
INIT_SCRIPT = "/opt/odoo-ladder/init-db.sh"
FILESTORE_VOLUME = "odoo-filestore"
DB_VOLUME = "db-data"
# Where the secrets entrypoint reads the rendered config and writes the full one (image/).
BASE_CONFIG_PATH = "/etc/odoo-ladder/odoo.conf"
SECRET_TMPFS = "/run/odoo"


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


def host_secrets_dir(project: str) -> str:
    """Step 3: a folder on the host's /run (tmpfs) where the DB password exists only while it is used."""
    return f"/run/odoo-ladder/{project}"


def _secret_env(service: OdooService) -> dict[str, str]:
    return {"ODOO_LADDER_SECRET_STORE": service.secret_store, "ODOO_LADDER_SECRET_PATH": service.secret_path,
            "AWS_REGION": service.region}


def _odoo_common(service: OdooService) -> dict[str, Any]:
    """How an Odoo container gets its config: a mounted file (steps 0-2) or the secrets entrypoint."""
    if not service.secret_store:
        return {"image": service.image,
                "volumes": [f"./odoo.conf:{CONFIG_PATH}:ro", f"{FILESTORE_VOLUME}:{DATA_DIR}"]}
    return {
        "image": service.image,
        "build": {"context": "./image", "args": {"ODOO_VERSION": base_image_tag(service)}},
        "volumes": [f"./odoo.conf.base:{BASE_CONFIG_PATH}:ro", f"{FILESTORE_VOLUME}:{DATA_DIR}"],
        # The entrypoint writes odoo.conf (with the secrets) here: memory only, the odoo user's.
        "tmpfs": [f"{SECRET_TMPFS}:mode=0700,uid={service.uid},gid={service.gid}"],
        "environment": _secret_env(service),
    }


def _on_loopback(services: dict[str, Any]) -> dict[str, Any]:
    """On a laptop the proxy answers the laptop only, not its network."""
    return {name: {**definition, "ports": [f"127.0.0.1:{port}" for port in definition["ports"]]}
            if definition.get("ports") else definition for name, definition in services.items()}


def compose_document(service: OdooService, target: str, proxy: Optional[Any] = None,
                     project: str = "odoo", logging: Optional[dict] = None) -> dict[str, Any]:
    secrets_dir = host_secrets_dir(project) if service.secret_store else "./secrets"
    init = {**_odoo_common(service), "command": [INIT_SCRIPT]}
    init["volumes"] = init["volumes"] + [f"./init-db.sh:{INIT_SCRIPT}:ro"]
    if service.secret_store:
        # The entrypoint also leaves the admin user's password in its tmpfs for the initialiser.
        init["environment"] = {**init["environment"], "ODOO_LADDER_SECRET_FILES": "admin_password",
                               "ODOO_LADDER_SECRETS_DIR": SECRET_TMPFS}
    else:
        init["volumes"].append("./secrets/admin_password:/run/secrets/admin_password:ro")
    services: dict[str, Any] = {
        "db": {
            "image": POSTGRES_IMAGE,
            "environment": {
                "POSTGRES_USER": "postgres",
                "POSTGRES_DB": "postgres",
                # Only for the first pg_hba.conf: db-init/10-odoo-role.sh replaces it with scram, so
                # the superuser has no password and is reachable only from inside the container.
                "POSTGRES_HOST_AUTH_METHOD": "trust",
            },
            "volumes": [
                f"{DB_VOLUME}:/var/lib/postgresql/data",
                "./db-init:/docker-entrypoint-initdb.d:ro",
                # Read by the delivery's ALTER ROLE, which keeps Odoo's role password in step.
                f"{secrets_dir}:/run/secrets:ro",
            ],
            "networks": ["internal"],
            "healthcheck": {"test": ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"],
                            "interval": "10s", "timeout": "5s", "retries": 6},
            "restart": "unless-stopped",
            "logging": LOGGING,
        },
        "odoo-init": {
            **init,
            # edge too: from Step 3 the initialiser reads its secrets from AWS.
            "networks": ["internal", "edge"],
            "depends_on": {"db": {"condition": "service_healthy"}},
            "restart": "no",
            "logging": LOGGING,
        },
        "odoo": {
            **_odoo_common(service),
            "networks": ["internal", "edge"],
            "depends_on": {"odoo-init": {"condition": "service_completed_successfully"}},
            "healthcheck": {"test": list(service.healthcheck), "interval": "30s", "timeout": "10s",
                            "retries": 5, "start_period": "60s"},
            "restart": "unless-stopped",
            "logging": LOGGING,
        },
    }
    if service.secret_store:
        # Run by the delivery only (`compose run --rm secrets-writer`): writes the DB password into the
        # host's tmpfs for the ALTER ROLE, which deletes it again.
        services["secrets-writer"] = {
            "image": service.image,
            "profiles": ["delivery"],
            "user": "0",
            "command": ["--write-secret-files", "/out", "--owner", "999:999"],
            "volumes": [f"{secrets_dir}:/out"],
            "environment": _secret_env(service),
            "networks": ["edge"],
            "logging": LOGGING,
        }
    ports = _odoo_ports(service, target, proxy is not None)
    if ports:
        services["odoo"]["ports"] = ports
    else:
        services["odoo"]["expose"] = [str(port) for port in service.ports]
    names = [FILESTORE_VOLUME, DB_VOLUME]
    if proxy is not None:
        services.update(_on_loopback(proxy.services) if target == "local" else proxy.services)
        names += [name for name in proxy.volumes if name not in names]
    volumes = _bind_to_data_volume(names, target)
    if logging is not None:
        for definition in services.values():
            definition["logging"] = logging
    return {
        "services": services,
        "networks": {"internal": {"internal": True}, "edge": {}},
        "volumes": volumes,
    }


def render_compose(service: OdooService, target: str, proxy: Optional[Any] = None, project: str = "odoo",
                   logging: Optional[dict] = None, instance_type: Optional[str] = None) -> str:
    # Every service: no-new-privileges, cap_drop ALL (+ what it needs), memory and pids limits.
    document = harden(compose_document(service, target, proxy, project, logging),
                      container_budget(target, instance_type))
    return yaml.safe_dump(document, sort_keys=False)


"""The compose project: Odoo, its first-start initialiser and PostgreSQL, plus the proxy from Step 1."""
from __future__ import annotations

from typing import Any, Optional

import yaml

from components.app.service import CONFIG_PATH, DATA_DIR, HTTP_PORT, POSTGRES_MAJOR, OdooService

# Where the EBS data volume is mounted on the AWS host; Postgres data and the filestore live there.
HOST_DATA_DIR = "/srv/odoo-data"
LOGGING = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "5"}}
INIT_SCRIPT = "/opt/odoo-ladder/init-db.sh"
FILESTORE_VOLUME = "odoo-filestore"
DB_VOLUME = "db-data"


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


def compose_document(service: OdooService, target: str, proxy: Optional[Any] = None) -> dict[str, Any]:
    odoo_mounts = [f"./odoo.conf:{CONFIG_PATH}:ro", f"{FILESTORE_VOLUME}:{DATA_DIR}"]
    services: dict[str, Any] = {
        "db": {
            "image": f"postgres:{POSTGRES_MAJOR}",
            "environment": {
                "POSTGRES_USER": "postgres",
                "POSTGRES_DB": "postgres",
                "POSTGRES_PASSWORD_FILE": "/run/secrets/postgres_password",
            },
            "volumes": [
                f"{DB_VOLUME}:/var/lib/postgresql/data",
                "./db-init:/docker-entrypoint-initdb.d:ro",
                "./secrets/postgres_password:/run/secrets/postgres_password:ro",
                "./secrets/db_password:/run/secrets/db_password:ro",
            ],
            "networks": ["internal"],
            "healthcheck": {"test": ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres"],
                            "interval": "10s", "timeout": "5s", "retries": 6},
            "restart": "unless-stopped",
            "logging": LOGGING,
        },
        "odoo-init": {
            "image": service.image,
            "command": [INIT_SCRIPT],
            "volumes": odoo_mounts + [
                f"./init-db.sh:{INIT_SCRIPT}:ro",
                "./secrets/admin_password:/run/secrets/admin_password:ro",
            ],
            "networks": ["internal"],
            "depends_on": {"db": {"condition": "service_healthy"}},
            "restart": "no",
            "logging": LOGGING,
        },
        "odoo": {
            "image": service.image,
            "volumes": odoo_mounts,
            "networks": ["internal", "edge"],
            "depends_on": {"odoo-init": {"condition": "service_completed_successfully"}},
            "healthcheck": {"test": list(service.healthcheck), "interval": "30s", "timeout": "10s",
                            "retries": 5, "start_period": "60s"},
            "restart": "unless-stopped",
            "logging": LOGGING,
        },
    }
    ports = _odoo_ports(service, target, proxy is not None)
    if ports:
        services["odoo"]["ports"] = ports
    else:
        services["odoo"]["expose"] = [str(port) for port in service.ports]
    names = [FILESTORE_VOLUME, DB_VOLUME]
    if proxy is not None:
        services.update(proxy.services)
        names += [name for name in proxy.volumes if name not in names]
    volumes = _bind_to_data_volume(names, target)
    return {
        "services": services,
        "networks": {"internal": {"internal": True}, "edge": {}},
        "volumes": volumes,
    }


def render_compose(service: OdooService, target: str, proxy: Optional[Any] = None) -> str:
    return yaml.safe_dump(compose_document(service, target, proxy), sort_keys=False)


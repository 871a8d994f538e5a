"""What the Docker host gets for the database (PLAN contract 1), pure: settings in, file texts out.

- database.env: where the database is, no secret; backups and admin steps read it.
- rds-ca.pem: the RDS CA bundle (components/database/ca_bundle.py).
- the move's tools: odoo-move-db, odoo-rds-pgpass, the maintenance page.
The delivery (components/delivery/database_steps.py) installs them and runs the move.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from components.app.odoo_conf import ExternalDatabase
from components.app.service import OdooService
from components.database.ca_bundle import bundle_text

SCRIPTS = Path(__file__).parent / "scripts"
# Folder of the bundle (and of the project directory) that holds these files.
FOLDER = "database"
ENV_FILE = f"{FOLDER}/database.env"
# The other side's files, for until the host has moved: the container's on the way to RDS, RDS's on the way back.
CONTAINER_ENV_FILE = f"{FOLDER}/container/database.env"
RDS_ENV_FILE = f"{FOLDER}/rds/database.env"
CA_FILE = f"{FOLDER}/rds-ca.pem"
MOVE_TOOL = f"{FOLDER}/odoo-move-db"
PGPASS_TOOL = f"{FOLDER}/odoo-rds-pgpass"
MAINTENANCE_PAGE = f"{FOLDER}/maintenance-page.py"
MAINTENANCE_SCRIPT = f"{FOLDER}/maintenance.sh"
# Where `ladder render` shows the endpoint before AWS has created the instance.
PLACEHOLDER_ADDRESS = "odoo-ladder-database.rds.example"
PLACEHOLDER_SECRET = "arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-placeholder"


@dataclass(frozen=True)
class RdsEndpoint:
    """The instance as the host needs it: known once AWS has created it (Outputs, resolved)."""
    address: str
    port: int
    master_secret_arn: str
    region: str
    db_name: str
    maxconn: int
    master_user: str = "ladder_admin"

    def odoo_database(self) -> ExternalDatabase:
        return ExternalDatabase(host=self.address, port=self.port, maxconn=self.maxconn)


def database_env(endpoint: RdsEndpoint | None, ca_path: str) -> str:
    """PLAN contract 1: shell KEY=VALUE lines, no secret; DB_KIND=container alone without RDS."""
    if endpoint is None:
        return "DB_KIND=container\n"
    values = {"DB_KIND": "rds", "PGHOST": endpoint.address, "PGPORT": str(endpoint.port),
              "PGDATABASE": endpoint.db_name, "PGSSLMODE": "verify-full", "PGSSLROOTCERT": ca_path,
              "MASTER_SECRET_ARN": endpoint.master_secret_arn, "AWS_REGION": endpoint.region}
    return "".join(f"{key}={value}\n" for key, value in values.items())


def render_maintenance(project: str, service: OdooService) -> str:
    """database/maintenance.sh on|off, the move's --stop-odoo and --start-odoo (run without a shell)."""
    maintenance = f"{project}-maintenance"
    ports = " ".join(str(port) for port in service.ports)
    return f"""#!/bin/bash
# on: stop Odoo and answer in its place (503, a short page) under its name on the edge network;
# off: the move did not finish, Odoo starts again on the database it was on.
set -euo pipefail
cd "$(dirname "${{BASH_SOURCE[0]}}")/.."
case "${{1:-}}" in
    on)
        docker compose -p {project} stop odoo
        docker rm -f {maintenance} >/dev/null 2>&1 || true
        docker run -d --rm --name {maintenance} --network {project}_edge --network-alias odoo \\
            --user 65534:65534 --read-only --cap-drop ALL --security-opt no-new-privileges:true \\
            --memory 64m --pids-limit 64 -v "$PWD/{MAINTENANCE_PAGE}:/maintenance-page.py:ro" \\
            --entrypoint /usr/bin/python3 {service.image} -I /maintenance-page.py {ports} >/dev/null
        ;;
    off)
        docker rm -f {maintenance} >/dev/null 2>&1 || true
        docker compose -p {project} start odoo
        ;;
    *) echo "usage: $0 on|off" >&2; exit 2 ;;
esac
"""


def render_database_files(endpoint: RdsEndpoint | None, on_rds: bool, ca_path: str, project: str,
                          service: OdooService) -> dict[str, str]:
    """Bundle path -> content. endpoint: the stack's RDS instance, if it has one; on_rds: the database
    is meant to be there (false with RDS: database.allow_move_back, the way back)."""
    files = {ENV_FILE: database_env(endpoint if on_rds else None, ca_path)}
    if endpoint is not None:
        files.update({
            CONTAINER_ENV_FILE if on_rds else RDS_ENV_FILE: database_env(None if on_rds else endpoint, ca_path),
            CA_FILE: bundle_text(),
            MOVE_TOOL: (SCRIPTS / "odoo-move-db").read_text(),
            PGPASS_TOOL: (SCRIPTS / "odoo-rds-pgpass").read_text(),
            MAINTENANCE_PAGE: (SCRIPTS / "maintenance-page.py").read_text(),
            MAINTENANCE_SCRIPT: render_maintenance(project, service),
        })
    return files


# What the apply script needs to know of the settings, carried in the bundle (the script is rendered
# from the bundle's files alone). Not read on the host.
PLAN_FILE = f"{FOLDER}/plan.json"


def render_plan(on_rds: bool, retire_container: bool) -> str:
    """on_rds: the data belongs on RDS (false: moving it back, database.allow_move_back)."""
    import json
    return json.dumps({"on_rds": on_rds, "retire_container": retire_container}, sort_keys=True) + "\n"

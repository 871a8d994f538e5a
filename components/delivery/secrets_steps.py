"""The apply script's secret steps: write the secrets where the Odoo containers read them, keep the DB
role's password in step with them, and tell whether they changed since the last rollout.

One writer (image/odoo_ladder_entrypoint.py, shipped in the project as odoo_ladder_entrypoint.py)
produces odoo.conf and admin_password everywhere:
- AWS, every step: root on the host, with the instance role, from the store under /odoo-ladder/<stack>,
  into /run/odoo-ladder/<project> (tmpfs). A systemd oneshot runs it at boot, before Docker brings
  the containers back (/run is empty after a reboot); each rollout runs it again. No container
  reaches the store, so none needs the instance role.
- local (steps 0-2): a one-shot container of the official image, the values passed by name from the
  delivery's environment, into a named volume.
"""
from __future__ import annotations

import posixpath

from components.app.compose import ODOO_RC, host_secrets_dir
from components.app.service import OdooService

WRITER = "odoo_ladder_entrypoint.py"
# The host's python3 with Debian's python3-boto3 (cloud-init installs it); -I ignores PYTHON* variables.
HOST_PYTHON = "/usr/bin/python3"
SYSTEMD_DIR = "/etc/systemd/system"
# The superuser through the db container's local socket (peer), reading SQL from stdin.
ROLE_PSQL = "psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres"
SET_ROLE_PASSWORD_FROM = "compose exec -T -u postgres db " + ROLE_PSQL + " >/dev/null"
# Environment variable of the local delivery -> the secret it holds.
SECRET_ENV = {
    "ODOO_LADDER_DB_PASSWORD": "db_password",
    "ODOO_LADDER_ADMIN_PASSWORD": "admin_password",
    "ODOO_LADDER_ADMIN_PASSWD": "admin_passwd",
}


def unit_name(project: str) -> str:
    return f"odoo-ladder-secrets-{project}.service"


def writer_environment(service: OdooService, project_dir: str) -> dict[str, str]:
    """What the host's writer needs to know; no secret among it."""
    return {"ODOO_LADDER_SECRET_STORE": service.secret_store or "", "ODOO_LADDER_SECRET_PATH": service.secret_path,
            "AWS_REGION": service.region, "ODOO_LADDER_BASE_CONFIG": f"{project_dir}/odoo.conf.base"}


def render_secrets_unit(service: OdooService, project: str, project_dir: str) -> str:
    """The host's oneshot: writes the secrets into /run before Docker starts the containers at boot."""
    environment = "".join(f"Environment={key}={value}\n"
                          for key, value in writer_environment(service, project_dir).items())
    folder = host_secrets_dir(project)
    return f"""[Unit]
Description=odoo-ladder: write the secrets of {project} into /run (tmpfs) for its containers
# /run is empty after a boot, and Docker's restart policies start the containers by themselves:
# the files must be there first. The store is reached over the network with the instance role.
Wants=network-online.target
After=network-online.target
Before=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
UMask=0077
{environment}ExecStartPre=/usr/bin/install -d -m 0700 -o root -g root {posixpath.dirname(folder)}
ExecStart={HOST_PYTHON} -I {project_dir}/{WRITER} --write-config {folder} --owner {service.uid}:{service.gid}
TimeoutStartSec=180

[Install]
WantedBy=multi-user.target
"""


def host_write_secrets(service: OdooService, project: str, project_dir: str) -> str:
    """AWS: (re)install the unit and run it now; it fails the rollout if the store cannot be read."""
    unit = unit_name(project)
    return (f"cat > {SYSTEMD_DIR}/{unit}.new <<'ODOO_LADDER_UNIT'\n"
            f"{render_secrets_unit(service, project, project_dir)}ODOO_LADDER_UNIT\n"
            f"chmod 0644 {SYSTEMD_DIR}/{unit}.new\n"
            f"mv {SYSTEMD_DIR}/{unit}.new {SYSTEMD_DIR}/{unit}\n"
            "systemctl daemon-reload\n"
            f"systemctl enable {unit} >/dev/null 2>&1\n"
            f"systemctl restart {unit}\n")


def host_writer(service: OdooService, project_dir: str) -> str:
    """A shell function running the writer on the host as the unit does (for --versions and --role-sql)."""
    environment = " ".join(f"{key}={value}" for key, value in writer_environment(service, project_dir).items())
    return f'writer() {{ env {environment} {HOST_PYTHON} -I "$dir/{WRITER}" "$@"; }}\n'


def local_write_secrets() -> str:
    """Local: the writer container takes the values by name from this script's environment."""
    names = " ".join(f"-e {env}" for env in SECRET_ENV)
    return f"compose run --rm -T {names} secrets-writer >/dev/null\n"


def set_role_password(project: str, on_aws: bool) -> str:
    """The verifier is computed from the odoo.conf just written, so Odoo and its role always agree.
    Runs after the writer and before Odoo (re)starts: a rotated password is in the role first."""
    if on_aws:
        source = f"writer --role-sql {host_secrets_dir(project)}/odoo.conf"
    else:
        source = f"compose run --rm -T secrets-writer --role-sql {ODOO_RC}"
    return f"{source} | {SET_ROLE_PASSWORD_FROM}\n"


# Odoo reads its config only when it starts: after a rotation it must restart. On AWS the store's
# versions (no values, no decryption) tell this rollout from the last; locally, a hash of the values
# given to this script (they are random and long, the hash reveals nothing usable).
def fingerprint_command(on_aws: bool) -> str:
    if on_aws:
        return "writer --versions"
    return "printf '%s\\0' " + " ".join(f'"${env}"' for env in SECRET_ENV) + " | sha256sum"

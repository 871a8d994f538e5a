"""The script that applies a compose project on a Docker host: the same text locally and through SSM.

It writes the rendered files, writes the stack's secrets from its environment (they are never part
of the script, so the script can be shown, stored and diffed), and brings the project up without
touching the data volumes. Rolling out a change is running it again.
"""
from __future__ import annotations

import base64
import re

import yaml

from components.app.compose import FILESTORE_VOLUME, HOST_DATA_DIR
from components.app.service import OdooService

# Environment variable -> secret file; the delivery fills the environment, never the script.
SECRET_ENV = {
    "ODOO_LADDER_DB_PASSWORD": "db_password",
    "ODOO_LADDER_ADMIN_PASSWORD": "admin_password",
    "ODOO_LADDER_MASTER_PASSWORD": "master_password",
    "ODOO_LADDER_POSTGRES_PASSWORD": "postgres_password",
}


# Secrets come from the environment. They end up in odoo.conf and in SQL, so they must be one line
# without quotes or backslashes (generated ones are letters and digits).
CHECK_SECRET = r"""check_secret() {
    local value="${!1:-}"
    if [ -z "$value" ]; then
        echo "odoo-ladder: $1 is empty or not set; the delivery passes the stack's secrets" >&2
        exit 1
    fi
    if [[ "$value" == *[\'\"\\]* || "$value" == *$'\n'* || "$value" == " "* || "$value" == *" " ]]; then
        echo "odoo-ladder: $1 holds a quote, backslash, newline or edge space; choose another value" >&2
        exit 1
    fi
}"""


def project_name(stack: str) -> str:
    """Compose project names allow lower-case letters, digits, dashes and underscores."""
    return "odoo-" + re.sub(r"[^a-z0-9_-]", "-", stack.lower())


def _write(path: str, content: str) -> str:
    mode = "0755" if path.endswith(".sh") else "0644"
    encoded = base64.encodebytes(content.encode()).decode()
    return f"write_file {path} {mode} <<'ODOO_LADDER_EOF'\n{encoded}ODOO_LADDER_EOF\n"


def _prepare_data_dirs(service: OdooService, volumes: list[str]) -> str:
    """On the AWS host the named volumes bind to the EBS data volume; the filestore is the odoo user's."""
    lines = [f'mountpoint -q {HOST_DATA_DIR} || {{ echo "odoo-ladder: {HOST_DATA_DIR} is not mounted; '
             f'refusing to write data to the root disk" >&2; exit 1; }}']
    for name in volumes:
        if name == FILESTORE_VOLUME:
            lines.append(f"install -d -m 0750 -o {service.uid} -g {service.gid} {HOST_DATA_DIR}/{name}")
            # The odoo uid differs between images (17.0: 101, 18.0: 100); an upgrade re-owns the filestore.
            lines.append(f'if [ "$(stat -c %u {HOST_DATA_DIR}/{name})" != "{service.uid}" ]; then '
                         f"chown -R {service.uid}:{service.gid} {HOST_DATA_DIR}/{name}; fi")
        else:
            lines.append(f"install -d -m 0700 {HOST_DATA_DIR}/{name}")
    return "\n".join(lines) + "\n"


def _volume_names(files: dict[str, str]) -> list[str]:
    return list(yaml.safe_load(files["docker-compose.yml"]).get("volumes", {}))


def render_apply_script(stack: str, files: dict[str, str], service: OdooService, project_dir: str,
                        on_host: bool) -> str:
    name = project_name(stack)
    secret_checks = "".join(f"check_secret {env}\n" for env in SECRET_ENV)
    secret_writes = "".join(f'printf \'%s\' "${env}" > secrets/{file}\n' for env, file in SECRET_ENV.items())
    return f"""#!/bin/bash
# Applies the odoo-ladder compose project of stack {stack}. Generated: edit the stack, not this file.
set -euo pipefail
umask 022

{CHECK_SECRET}
{secret_checks}
dir="{project_dir}"
mkdir -p "$dir"
# The project directory is private: the secret files in it are readable only through the containers.
chmod 0700 "$dir"
cd "$dir"

write_file() {{
    mkdir -p "$(dirname "$1")"
    base64 -d > "$1.new"
    chmod "$2" "$1.new"
    mv "$1.new" "$1"
}}

{''.join(_write(path, content) for path, content in sorted(files.items()))}
mkdir -p secrets
{secret_writes}{{ cat odoo.conf.base
  printf 'db_password = %s\\nadmin_passwd = %s\\n' "$ODOO_LADDER_DB_PASSWORD" "$ODOO_LADDER_MASTER_PASSWORD"
}} > odoo.conf.new
mv odoo.conf.new odoo.conf

{_prepare_data_dirs(service, _volume_names(files)) if on_host else ''}
compose() {{ docker compose -p {name} "$@"; }}
compose up -d --wait db
# Keep Odoo's role in step with the secret, so rotating the password is: change it, apply again.
# (through stdin, so the password is in no process's arguments)
compose exec -T db psql -q -v ON_ERROR_STOP=1 -U postgres -d postgres >/dev/null <<SQL
\\\\set pw '$ODOO_LADDER_DB_PASSWORD'
ALTER ROLE odoo PASSWORD :'pw';
SQL
compose up -d --remove-orphans
echo "odoo-ladder: project {name} applied in $dir"
"""


def render_down_script(stack: str, project_dir: str) -> str:
    """Stops the project and keeps its volumes: `pulumi destroy` never deletes the data."""
    return f"""#!/bin/bash
set -euo pipefail
if [ -d "{project_dir}" ]; then
    cd "{project_dir}"
    docker compose -p {project_name(stack)} down --remove-orphans
fi
"""

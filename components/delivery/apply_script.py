"""The script that applies a compose project on a Docker host: the same text locally and through SSM.

It travels in the bundle (components/delivery/artifact.py) beside the project's files, installs
them into the project folder and brings the project up without touching the data volumes; rolling
out a change is running it again. Secrets are never part of the script, so it can be shown, stored
and diffed. Steps 0-2 take them from the script's environment into files of the private project
folder; from Step 3 the containers read them from AWS themselves and the host's disk holds none.
"""
from __future__ import annotations

import yaml

from components.app.compose import FILESTORE_VOLUME, HOST_DATA_DIR, host_secrets_dir, project_name
from components.app.service import OdooService
from components.backup.host_files import INSTALL_PATHS
from components.backup.retired import render_retire_host_files
from components.delivery.artifact import PROJECT
from components.delivery.preflight import DOCKER_PREFLIGHT
from components.delivery.stale_files import remove_stale_files
from configs.load import SECRET_KEYS

# Environment variable -> secret file; the delivery fills the environment, never the script.
SECRET_ENV = {
    "ODOO_LADDER_DB_PASSWORD": "db_password",
    "ODOO_LADDER_ADMIN_PASSWORD": "admin_password",
    "ODOO_LADDER_ADMIN_PASSWD": "admin_passwd",
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


def _install(path: str) -> str:
    return f"install_file {path} {'0755' if path.endswith('.sh') else '0644'}\n"


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


def _install_host_files(files: dict[str, str]) -> str:
    """Step 4: the backup commands, their timer and the restore defaults go to their places."""
    present = {path: target for path, target in INSTALL_PATHS.items() if path in files}
    if not present:
        return render_retire_host_files()
    lines = [f"install -D -m {'0755' if '/bin/' in path else '0644'} {path} {target}"
             for path, target in present.items()]
    lines += ["systemctl daemon-reload", "systemctl enable --now odoo-backup.timer"]
    return "\n".join(lines) + "\n"


def _volume_names(files: dict[str, str]) -> list[str]:
    return list(yaml.safe_load(files["docker-compose.yml"]).get("volumes", {}))


def _check_secrets() -> str:
    return CHECK_SECRET + "\n" + "".join(f"check_secret {env}\n" for env in SECRET_ENV)


def _write_secrets() -> str:
    """Steps 0-2: the secrets become files of the private project folder, and odoo.conf is completed."""
    writes = "".join(f'printf \'%s\' "${env}" > secrets/{file}\n' for env, file in SECRET_ENV.items())
    return f"""mkdir -p secrets
{writes}{{ cat odoo.conf.base
  printf 'db_password = %s\\nadmin_passwd = %s\\n' "$ODOO_LADDER_DB_PASSWORD" "$ODOO_LADDER_ADMIN_PASSWD"
}} > odoo.conf.new
mv odoo.conf.new odoo.conf
"""


# From Step 3 the containers read the secrets; what steps 0-2 left on the disk goes.
REMOVE_SECRET_FILES = "rm -rf secrets odoo.conf\n"


def _host_secrets_dir(secrets_dir: str) -> str:
    """Step 3: the DB password visits the host only in /run (tmpfs), and a boot recreates the folder."""
    return (f"install -d -m 0700 {secrets_dir}\n"
            f"echo 'd {secrets_dir} 0700 root root -' > /etc/tmpfiles.d/odoo-ladder.conf\n")


# Keeps Odoo's role in step with the secret, so rotating the password is: change it, apply again.
# psql reads the password from the file mounted in the db container: it is in no command line.
SET_ROLE_PASSWORD = r"""compose exec -T db psql -q -v ON_ERROR_STOP=1 -U postgres -d postgres >/dev/null <<'SQL'
\set pw `cat /run/secrets/db_password`
ALTER ROLE odoo PASSWORD :'pw';
SQL
"""


# Odoo reads its secrets only when it starts: after a rotation it must restart. The fingerprint of
# the secrets (their files' hash up to Step 2; their versions in the store from Step 3, read without
# decryption) tells this rollout from the last one.
SECRETS_FINGERPRINT_FILES = "sha256sum odoo.conf secrets/* | sha256sum"
SECRETS_FINGERPRINT_STORE = (
    "python3 -c 'import boto3,sys; s=sys.argv[1]; c=boto3.client(s, region_name=sys.argv[2]); "
    "print(*[(c.get_parameter(Name=n)[\"Parameter\"][\"Version\"] if s == \"ssm\" else "
    "c.get_secret_value(SecretId=n)[\"VersionId\"]) for n in sys.argv[3:]])' {store} {region} {names}")


def _restart_after_rotation(fingerprint: str) -> tuple[str, str]:
    before = (f"fingerprint=$({fingerprint})\n"
              'rotated=no\n'
              'if [ -f .secrets-fingerprint ] && [ "$(cat .secrets-fingerprint)" != "$fingerprint" ]; then rotated=yes; fi\n')
    after = ('if [ "$rotated" = yes ]; then compose restart odoo; fi\n'
             'printf \'%s\' "$fingerprint" > .secrets-fingerprint\n')
    return before, after


def render_apply_script(stack: str, files: dict[str, str], service: OdooService, project_dir: str,
                        on_host: bool) -> str:
    name = project_name(stack)
    in_containers = service.secret_store is not None
    secrets_dir = host_secrets_dir(name)
    if in_containers:
        names = " ".join(f"{service.secret_path}/{key}" for key in SECRET_KEYS)
        fingerprint = SECRETS_FINGERPRINT_STORE.format(store=service.secret_store, region=service.region, names=names)
    else:
        fingerprint = SECRETS_FINGERPRINT_FILES
    check_rotation, restart_if_rotated = _restart_after_rotation(fingerprint)
    if in_containers:
        role_password = (f"trap 'rm -f {secrets_dir}/db_password' EXIT\n"
                         f"compose run --rm secrets-writer >/dev/null\n{SET_ROLE_PASSWORD}")
    else:
        role_password = SET_ROLE_PASSWORD
    return f"""#!/bin/bash
# Applies the odoo-ladder compose project of stack {stack}. Generated: edit the stack, not this file.
set -euo pipefail
umask 022

{DOCKER_PREFLIGHT}
dir="{project_dir}"
# The project's files travel beside this script, in the bundle it was unpacked from.
bundle="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)/{PROJECT}"
{'' if in_containers else _check_secrets()}mkdir -p "$dir"
# The project directory is private: only root (and the containers it mounts files into) reads it.
chmod 0700 "$dir"
cd "$dir"

# Each file replaces its old copy in one rename, so a running container never reads half a file.
install_file() {{
    mkdir -p "$(dirname "$1")"
    cp "$bundle/$1" "$1.new"
    chmod "$2" "$1.new"
    mv "$1.new" "$1"
}}

{''.join(_install(path) for path in sorted(files))}{remove_stale_files(files)}
{REMOVE_SECRET_FILES if in_containers else _write_secrets()}
{_prepare_data_dirs(service, _volume_names(files)) if on_host else ''}{_host_secrets_dir(secrets_dir) if in_containers else ''}
compose() {{ docker compose -p {name} "$@"; }}
{check_rotation}{'compose build' if in_containers else ''}
compose up -d --wait db
{role_password}compose up -d --remove-orphans
{restart_if_rotated}{_install_host_files(files) if on_host else ''}
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

"""The script that applies a compose project on a Docker host: the same text locally and through SSM.

It travels in the bundle (components/delivery/artifact.py) beside the project's files, installs
them into the project folder and brings the project up without touching the data volumes; rolling
out a change is running it again. Secrets are never part of the script, so it can be shown, stored
and diffed. On AWS the host's writer reads them from the store into /run; locally the script takes
them from its environment and hands them to the writer container by name (secrets_steps.py).
"""
from __future__ import annotations

import yaml

from components.app.compose import FILESTORE_VOLUME, HOST_DATA_DIR, project_name
from components.app.service import OdooService
from components.backup.host_files import INSTALL_PATHS
from components.backup.retired import render_retire_host_files
from components.delivery.artifact import PROJECT
from components.delivery.database_steps import after_up, install_host_files, is_rds, role_steps
from components.delivery.secrets_steps import (SECRET_ENV, fingerprint_command, host_write_secrets, host_writer,
                                               local_write_secrets)
from components.delivery.image_steps import pull_own_image, upgrade_modules
from components.delivery.preflight import DOCKER_PREFLIGHT
from components.delivery.stale_files import remove_stale_files


# Locally the secrets come from the environment: a missing or unsafe one stops the script before
# anything is written (the writer checks them again, as it does on AWS).
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
    """On the AWS host the named volumes bind to the EBS data volume; the filestore is the odoo user's.

    The folder's mode is what the container sees at the mount point. Root-only (0700) suits what only
    root in its container opens; two proxy volumes are read by nginx's unprivileged workers (uid 101):
    - certbot_webroot: certbot (root) writes the HTTP-01 answers, the workers serve them; at 0700
      every challenge got 403 and no certificate was ever issued;
    - proxy_logs: after a rotation `nginx -s reopen` has each worker open the log path itself, so
      the folder needs search permission (not read: 0711 lists nothing to others).
    `install -d -m` also sets the mode of a folder that exists, so a rollout repairs older hosts.
    The `data volumes` markers let the proxy lab run exactly these lines (tests/proxy/netns_lab.py).
    """
    readable_by_workers = {"certbot_webroot": "0755", "proxy_logs": "0711"}
    lines = ["# data volumes: begin",
             f'mountpoint -q {HOST_DATA_DIR} || {{ echo "odoo-ladder: {HOST_DATA_DIR} is not mounted; '
             f'refusing to write data to the root disk" >&2; exit 1; }}']
    for name in volumes:
        if name == FILESTORE_VOLUME:
            lines.append(f"install -d -m 0750 -o {service.uid} -g {service.gid} {HOST_DATA_DIR}/{name}")
            # The odoo uid differs between images (17.0: 101, 18.0: 100); an upgrade re-owns the filestore.
            lines.append(f'if [ "$(stat -c %u {HOST_DATA_DIR}/{name})" != "{service.uid}" ]; then '
                         f"chown -R {service.uid}:{service.gid} {HOST_DATA_DIR}/{name}; fi")
        else:
            mode = readable_by_workers.get(name, "0700")
            lines.append(f"install -d -m {mode} -o root -g root {HOST_DATA_DIR}/{name}")
    lines.append("# data volumes: end")
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


# What earlier versions left: secret files on disk (steps 0-2), the on-host image build (Step 3).
REMOVE_OLD_SECRETS = "rm -rf secrets odoo.conf image db-init\n"
REMOVE_OLD_SECRETS_ON_HOST = "rm -f /etc/tmpfiles.d/odoo-ladder.conf\n"


# Odoo reads its config only when it starts: after a rotation it must restart, once the role has the
# new password. The fingerprint (secrets_steps.fingerprint_command) tells this rollout from the last.
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
    # AWS (every step): the host's writer reads the store. Local: this script's environment.
    on_aws = service.secret_store is not None
    check_rotation, restart_if_rotated = _restart_after_rotation(fingerprint_command(on_aws))
    write_secrets = host_write_secrets(service, name, project_dir) if on_aws else local_write_secrets()
    return f"""#!/bin/bash
# Applies the odoo-ladder compose project of stack {stack}. Generated: edit the stack, not this file.
set -euo pipefail
# Whatever this creates is private unless said otherwise (install_file gives each file its mode).
umask 077

{DOCKER_PREFLIGHT}
dir="{project_dir}"
# The project's files travel beside this script, in the bundle it was unpacked from.
bundle="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)/{PROJECT}"
{'' if on_aws else _check_secrets()}{pull_own_image(service)}mkdir -p "$dir"
# The project directory is private: only root (and the containers it mounts files into) reads it.
chmod 0700 "$dir"
cd "$dir"

# Each file replaces its old copy in one rename, so a running container never reads half a file.
install_file() {{
    # Folders the containers' users may enter (postgres reads ./postgres); the 0700 project folder
    # still keeps everyone else out.
    (umask 022 && mkdir -p "$(dirname "$1")")
    cp "$bundle/$1" "$1.new"
    chmod "$2" "$1.new"
    mv "$1.new" "$1"
}}

{''.join(_install(path) for path in sorted(files))}{remove_stale_files(files)}
{REMOVE_OLD_SECRETS}{REMOVE_OLD_SECRETS_ON_HOST if on_host else ''}{_prepare_data_dirs(service, _volume_names(files)) if on_host else ''}
{install_host_files(files, name) if on_host or is_rds(files) else ''}compose() {{ docker compose -p {name} "$@"; }}
{host_writer(service, project_dir) if on_aws else ''}{check_rotation}{write_secrets}{role_steps(files, name, project_dir, on_aws)}{upgrade_modules(service)}compose up -d --remove-orphans
{after_up(files, name)}{restart_if_rotated}{_install_host_files(files) if on_host else ''}
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

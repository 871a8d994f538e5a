"""The tasks' container definitions (pure: values in, ECS JSON out), validated offline against
botocore's RegisterTaskDefinition (tests/cluster/test_botocore.py).

Fargate has no host files and no tmpfs mounts, so:
- the configs reach the task as text: a short `config` container (same image, root) writes odoo.conf
  and the sidecar's config into the task's own volume, then exits; the others mount it read-only.
  Neither text holds a secret.
- the entrypoint writes odoo.conf with its secrets to /dev/shm, the container's own tmpfs (the
  entrypoint refuses any other filesystem), read from the store with the task's role.
"""
from __future__ import annotations

from components.app.service import DATA_DIR, HTTP_PORT
from components.cluster.task_config import DB_TLS_ENVIRONMENT
from components.proxy.sidecar import Sidecar

CONFIG_VOLUME = "config"
FILESTORE_VOLUME = "filestore"
# A directory of its own: the built image keeps files in /etc/odoo-ladder (the RDS CA bundle, step 5)
# that a volume mounted there would hide.
CONFIG_DIR = "/etc/odoo-ladder/task"
SECRET_CONFIG_OUT = "/dev/shm/odoo-ladder/odoo.conf"
ODOO_CONF_ENV = "ODOO_LADDER_ODOO_CONF"
SIDECAR_CONF_ENV = "ODOO_LADDER_SIDECAR_CONF"
BACKUP_SCRIPT_ENV = "ODOO_LADDER_BACKUP_SCRIPT"
# ECS caps a container health check's start period at 300 s; the service's grace period covers the rest.
MAX_START_PERIOD = 300
STOP_TIMEOUT = 30


def _logs(group: str, region: str, prefix: str) -> dict:
    return {"logDriver": "awslogs", "options": {"awslogs-group": group, "awslogs-region": region,
                                                  "awslogs-stream-prefix": prefix}}


def _config_writer(image: str, files: dict[str, tuple[str, str]], logs: dict, packed: tuple[str, ...] = ()) -> dict:
    """files: name in the volume -> (environment variable, text); the `packed` ones are gzip + base64
    (a script: components/cluster/backup_task.py)."""
    def write(name: str, variable: str) -> str:
        unpack = " | base64 -d | gunzip" if name in packed else ""
        return f'printf "%s" "${variable}"{unpack} > {CONFIG_DIR}/{name}'
    script = " && ".join(write(name, variable) for name, (variable, _) in files.items())
    return {"name": "config", "image": image, "essential": False, "user": "0",
            "entryPoint": ["/bin/sh", "-c"], "command": [script],
            "environment": [{"name": variable, "value": text} for variable, text in files.values()],
            "mountPoints": [{"sourceVolume": CONFIG_VOLUME, "containerPath": CONFIG_DIR, "readOnly": False}],
            "logConfiguration": logs}


def _odoo(image: str, store: str, path: str, region: str, logs: dict, health_start: int | None) -> dict:
    container = {
        "name": "odoo", "image": image, "essential": True, "command": ["odoo"],
        "environment": [{"name": "ODOO_LADDER_SECRET_STORE", "value": store},
                        {"name": "ODOO_LADDER_SECRET_PATH", "value": path},
                        {"name": "AWS_REGION", "value": region},
                        {"name": "ODOO_LADDER_CONFIG_OUT", "value": SECRET_CONFIG_OUT},
                        {"name": "ODOO_LADDER_BASE_CONFIG", "value": f"{CONFIG_DIR}/odoo.conf"},
                        *({"name": key, "value": value} for key, value in DB_TLS_ENVIRONMENT.items())],
        "mountPoints": [{"sourceVolume": FILESTORE_VOLUME, "containerPath": DATA_DIR, "readOnly": False},
                        {"sourceVolume": CONFIG_VOLUME, "containerPath": CONFIG_DIR, "readOnly": True}],
        "dependsOn": [{"containerName": "config", "condition": "SUCCESS"}],
        # An init process reaps Odoo's worker children and lets ECS Exec's agent run beside them.
        "linuxParameters": {"initProcessEnabled": True},
        "stopTimeout": STOP_TIMEOUT, "logConfiguration": logs}
    if health_start is not None:
        container["healthCheck"] = {"command": ["CMD", "curl", "-fsS", f"http://localhost:{HTTP_PORT}/web/health"],
                                    "interval": 30, "timeout": 5, "retries": 3,
                                    "startPeriod": min(health_start, MAX_START_PERIOD)}
    return container


def web_containers(image: str, odoo_conf: str, sidecar: Sidecar, store: str, path: str, region: str,
                   log_group: str, grace: int) -> list[dict]:
    """config writer, Odoo (workers, no cron), and the proxy sidecar the target group sends to."""
    files = {"odoo.conf": (ODOO_CONF_ENV, odoo_conf), sidecar.config_name: (SIDECAR_CONF_ENV, sidecar.config)}
    proxy = {"name": "proxy", "image": sidecar.image, "essential": True, "command": list(sidecar.command),
             "portMappings": [{"containerPort": sidecar.port, "protocol": "tcp", "name": "http"}],
             "mountPoints": [{"sourceVolume": CONFIG_VOLUME, "containerPath": CONFIG_DIR, "readOnly": True}],
             "dependsOn": [{"containerName": "config", "condition": "SUCCESS"},
                           {"containerName": "odoo", "condition": "START"}],
             "stopTimeout": STOP_TIMEOUT, "logConfiguration": _logs(log_group, region, "proxy")}
    return [_config_writer(image, files, _logs(log_group, region, "config")),
            _odoo(image, store, path, region, _logs(log_group, region, "web"), grace), proxy]


def cron_containers(image: str, odoo_conf: str, store: str, path: str, region: str, log_group: str) -> list[dict]:
    """config writer and Odoo with http_enable False: no port, no HTTP health check."""
    return [_config_writer(image, {"odoo.conf": (ODOO_CONF_ENV, odoo_conf)}, _logs(log_group, region, "config")),
            _odoo(image, store, path, region, _logs(log_group, region, "cron"), None)]


def backup_containers(image: str, odoo_conf: str, packed_script: str, store: str, path: str, region: str,
                      log_group: str, environment: dict[str, str], command: str) -> list[dict]:
    """config writer (odoo.conf and odoo-backup), then the entrypoint reads the secrets and runs
    `command` (a shell line) with ODOO_RC pointing at the complete config."""
    return script_containers("backup", image, odoo_conf, ("odoo-backup", packed_script), store, path, region,
                             log_group, environment, command)


def script_containers(name: str, image: str, odoo_conf: str, script: tuple[str, str], store: str, path: str,
                      region: str, log_group: str, environment: dict[str, str], command: str,
                      files: dict[str, tuple[str, str]] | None = None) -> list[dict]:
    """A one-shot task: the config writer puts odoo.conf, the script (name, gzip + base64) and `files`
    (name -> (environment variable, text), none secret) in the config volume; then container `name`
    runs `command` through the entrypoint, with the complete config at ODOO_RC."""
    written = {"odoo.conf": (ODOO_CONF_ENV, odoo_conf), script[0]: (BACKUP_SCRIPT_ENV, script[1]), **(files or {})}
    runner = _odoo(image, store, path, region, _logs(log_group, region, name), None)
    runner.update(name=name, command=["/bin/sh", "-c", command])
    runner["environment"] += [{"name": key, "value": value} for key, value in environment.items()]
    return [_config_writer(image, written, _logs(log_group, region, "config"), packed=(script[0],)), runner]

"""The sidecar config the web task really carries: the config container's script writes it from its
environment, and the real Caddy or nginx accepts it with the proxy container's own command.
tests/proxy/test_sidecar.py runs the same renderer behind the ALB's headers; here: that the task
definition holds that render, not another one."""
import json
import subprocess

import pytest

from components.cluster.containers import CONFIG_DIR
from components.proxy.sidecar import SIDECAR_PORT, render_sidecar, sidecar_site
from configs.errors import ConfigError
from tests.cluster.stack import run7
from tests.tools import require_caddy, require_tool

TASK = "aws:ecs/taskDefinition:TaskDefinition"


def web_containers(run) -> dict:
    return {c["name"]: c for c in json.loads(run.named(TASK, "cluster-tasks-web").inputs["containerDefinitions"])}


def written_by_the_config_container(config: dict, into) -> None:
    """Run the config container's own shell line with its own environment, into a folder of ours."""
    script = config["command"][0].replace(CONFIG_DIR, str(into))
    env = {item["name"]: item["value"] for item in config["environment"]}
    subprocess.run(["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **env}, check=True, timeout=30)


@pytest.fixture(scope="module", params=["caddy", "nginx"])
def task(request):
    return request.param, web_containers(run7(proxy={"kind": request.param}))


def test_the_task_carries_the_renderers_sidecar_for_the_site(task):
    kind, found = task
    sidecar = render_sidecar(sidecar_site("erp.example.org", "18.0"), CONFIG_DIR, kind)
    proxy = found["proxy"]
    assert proxy["image"] == sidecar.image and proxy["command"] == list(sidecar.command)
    assert proxy["portMappings"] == [{"containerPort": SIDECAR_PORT, "protocol": "tcp", "name": "http"}]
    carried = {item["value"] for item in found["config"]["environment"]}
    assert sidecar.config in carried and "Odoo 18.0" in sidecar.config
    # Fargate may add only SYS_PTRACE: nginx's master switches its workers to the nginx user
    # (SETUID/SETGID), so no container may drop the default capabilities it needs.
    assert "capabilities" not in proxy.get("linuxParameters", {})


def test_the_real_proxy_accepts_the_config_the_task_writes(task, tmp_path):
    kind, found = task
    written_by_the_config_container(found["config"], tmp_path)
    command = [part.replace(CONFIG_DIR, str(tmp_path)) for part in found["proxy"]["command"]]
    if kind == "caddy":
        caddy = require_caddy()
        command = [caddy, "validate", *command[2:]]  # caddy run --config ... -> caddy validate --config ...
        env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    else:
        command = [require_tool("nginx"), "-t", *command[1:]]
        env = {}
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", **env})
    assert result.returncode == 0, result.stdout + result.stderr
    text = (tmp_path / ("Caddyfile" if kind == "caddy" else "nginx.conf")).read_text()
    assert f"{SIDECAR_PORT}" in text and "127.0.0.1:8072" in text and "10.42.0.0/16" in text


def test_traefik_is_refused_as_the_sidecar_naming_the_key():
    with pytest.raises(ConfigError, match=r"odoo-ladder:proxy\.kind: traefik is not built as the step-7 sidecar"):
        run7(proxy={"kind": "traefik"})

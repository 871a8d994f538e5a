"""What the apply script does on a move: Docker is checked before anything is written, the old
proxy's files go on a switch, and below Step 4 the backup timer is disabled, not left failing.

The script runs for real with bash, as the local delivery runs it (the bundle on stdin), against
stand-ins for `docker` and `systemctl` that record their calls.
"""
import base64
import os
import subprocess
from pathlib import Path

import pytest

from components.app.service import odoo_service
from components.backup.host_files import INSTALL_PATHS
from components.delivery.apply_script import render_apply_script
from components.delivery.artifact import pack
from components.delivery.bundle import render_bundle
from components.delivery.local import RUN_BUNDLE
from components.delivery.stale_files import MANIFEST
from configs.load import from_mapping
from tests.stacks import aws, local

SECRETS = {"ODOO_LADDER_DB_PASSWORD": "dbSecret1111", "ODOO_LADDER_ADMIN_PASSWORD": "adminSecret2222",
           "ODOO_LADDER_ADMIN_PASSWD": "masterSecret3333"}
# A Docker CLI whose answers the test chooses: FAIL_DOCKER="info" makes `docker info` fail.
DOCKER = """#!/bin/bash
if [ -n "${FAIL_DOCKER:-}" ] && [[ "$*" == "$FAIL_DOCKER"* ]]; then echo "no engine" >&2; exit 1; fi
echo "docker $*" >> "$CALLS"
"""
SYSTEMCTL = """#!/bin/bash
echo "systemctl $*" >> "$CALLS"
"""
CADDY = local(1, domain="erp.example.org")
NGINX = local(1, domain="erp.example.org", acme_email="ops@example.org", proxy={"kind": "nginx"})


@pytest.fixture
def bin_dir(tmp_path) -> Path:
    path = tmp_path / "bin"
    path.mkdir()
    for name, text in (("docker", DOCKER), ("systemctl", SYSTEMCTL)):
        (path / name).write_text(text)
        (path / name).chmod(0o755)
    return path


def apply(config: dict, project: Path, bin_dir: Path, on_host: bool = False, path: str | None = None,
          **env) -> subprocess.CompletedProcess:
    cfg = from_mapping("test", config)
    files = render_bundle(cfg)
    script = render_apply_script("test", files, odoo_service(cfg), str(project), on_host=on_host)
    stdin = base64.b64encode(pack(script, files).archive).decode()
    environment = {"PATH": path or f"{bin_dir}:{os.environ['PATH']}", "CALLS": str(bin_dir.parent / "calls"),
                   **SECRETS, **env}
    return subprocess.run(["/bin/bash", "-c", RUN_BUNDLE], input=stdin, env=environment,
                          capture_output=True, text=True)


@pytest.mark.parametrize("failing, says", [("compose version", "'docker compose' (the compose v2 plugin) is missing"),
                                           ("info", "the Docker engine does not answer")])
def test_no_password_is_written_when_docker_cannot_run_the_project(tmp_path, bin_dir, failing, says):
    project = tmp_path / "project"
    result = apply(local(), project, bin_dir, FAIL_DOCKER=failing)
    assert result.returncode == 1
    assert says in result.stderr
    assert not project.exists(), "the rollout wrote files (secrets among them) before it knew Docker works"


def test_no_password_is_written_without_a_docker_cli(tmp_path, bin_dir):
    # Only the tools the delivery's own command needs: no docker anywhere on PATH.
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("bash", "base64", "tar", "mktemp", "rm", "dirname"):
        (tools / tool).symlink_to(subprocess.run(["which", tool], capture_output=True, text=True).stdout.strip())
    project = tmp_path / "project"
    result = apply(local(), project, bin_dir, path=str(tools))
    assert result.returncode == 1, result.stderr
    assert "docker is not installed or not on PATH" in result.stderr
    assert not project.exists()


def test_a_proxy_switch_removes_the_old_proxys_files_and_keeps_the_rest(tmp_path, bin_dir):
    project = tmp_path / "project"
    assert apply(CADDY, project, bin_dir).returncode == 0
    assert (project / "proxy" / "Caddyfile").exists()
    (project / "notes.txt").write_text("the user's own file\n")

    result = apply(NGINX, project, bin_dir)
    assert result.returncode == 0, result.stderr
    assert not (project / "proxy" / "Caddyfile").exists()
    assert (project / "proxy" / "nginx" / "default.conf").exists()
    assert (project / "notes.txt").exists()

    assert apply(CADDY, project, bin_dir).returncode == 0
    assert not (project / "proxy" / "nginx").exists() and not (project / "proxy" / "certbot").exists()
    assert (project / MANIFEST).read_text().split() == sorted(render_bundle(from_mapping("test", CADDY)))


def test_a_manifest_line_outside_the_project_is_never_removed(tmp_path, bin_dir):
    project = tmp_path / "project"
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    assert apply(CADDY, project, bin_dir).returncode == 0
    with (project / MANIFEST).open("a") as manifest:
        manifest.write(f"{outside}\n../outside.txt\n")
    assert apply(CADDY, project, bin_dir).returncode == 0
    assert outside.exists()


def test_below_step4_the_backup_timer_is_disabled_and_its_files_go(tmp_path, bin_dir):
    from components.backup.retired import render_retire_host_files
    etc = tmp_path / "etc"

    def here(target: str) -> str:
        return target.replace("/etc/", f"{etc}/").replace("/usr/local/bin/", f"{etc}/bin/")
    for target in INSTALL_PATHS.values():  # what a Step 4 rollout installed
        Path(here(target)).parent.mkdir(parents=True, exist_ok=True)
        Path(here(target)).write_text("installed by step 4\n")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "CALLS": str(tmp_path / "calls")}
    for _ in range(2):  # and again on the next rollout, which finds nothing to do
        result = subprocess.run(["/bin/bash", "-euo", "pipefail", "-c", here(render_retire_host_files())],
                                env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "calls").read_text().splitlines() == [
        "systemctl disable --now odoo-backup.timer", "systemctl daemon-reload"]
    assert not [p for p in etc.rglob("*") if p.is_file()], "Step 4's backup files are left on the host"


@pytest.mark.parametrize("config, retires", [(aws(3, backup={"retain": True}), True), (aws(2), True),
                                             (aws(4), False)])
def test_the_host_rollout_retires_the_backup_wherever_it_installs_none(config, retires):
    from components.backup.retired import render_retire_host_files
    cfg = from_mapping("test", config)
    files = render_bundle(cfg, "bucket")
    script = render_apply_script("test", files, odoo_service(cfg), "/opt/p", on_host=True)
    assert (render_retire_host_files() in script) is retires
    assert ("systemctl enable --now odoo-backup.timer" in script) is not retires

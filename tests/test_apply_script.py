"""The apply script, run for real with bash against a stand-in `docker` that records its calls.

The stand-in replaces only the Docker engine (not available here); the script itself runs as shipped:
packed in its bundle and run by the local delivery's command, which unpacks the bundle from stdin.
"""
import base64
import os
import stat
import subprocess
from pathlib import Path

import pytest

from components.app.service import odoo_service
from components.delivery.apply_script import render_apply_script
from components.delivery.artifact import pack
from components.delivery.bundle import render_bundle
from components.delivery.local import RUN_BUNDLE
from configs.load import from_mapping
from tests.stacks import local

STAND_IN_DOCKER = """#!/bin/bash
# Stand-in for the Docker CLI: records argv and stdin, answers nothing.
# The script's preflight questions (is Docker there?) are answered yes and not recorded.
case "$*" in info|"compose version") exit 0 ;; esac
{ printf 'ARGV:'; printf ' %s' "$@"; printf '\\n'; } >> "$DOCKER_LOG"
if [[ " $* " == *" exec "* ]]; then { echo 'STDIN:'; cat; } >> "$DOCKER_LOG"; fi
"""
SECRETS = {
    "ODOO_LADDER_DB_PASSWORD": "dbSecret1111",
    "ODOO_LADDER_ADMIN_PASSWORD": "adminSecret2222",
    "ODOO_LADDER_ADMIN_PASSWD": "masterSecret3333",
}
ROLE_SQL = "\\set pw `cat /run/secrets/db_password`\nALTER ROLE odoo PASSWORD :'pw';"


def run_delivered(script: str, files: dict[str, str], env: dict[str, str], cwd=None) -> subprocess.CompletedProcess:
    """As the local delivery runs it: the bundle on stdin, unpacked and applied by its command."""
    stdin = base64.b64encode(pack(script, files).archive).decode()
    return subprocess.run(["/bin/bash", "-c", RUN_BUNDLE], input=stdin, env=env, cwd=cwd,
                          capture_output=True, text=True)


@pytest.fixture
def applier(tmp_path):
    cfg = from_mapping("test", local())
    project = tmp_path / "project"
    files = render_bundle(cfg)
    script = render_apply_script("test", files, odoo_service(cfg), str(project), on_host=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(STAND_IN_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    log = tmp_path / "docker.log"

    def apply(**overrides) -> subprocess.CompletedProcess:
        env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(log), **SECRETS, **overrides}
        return run_delivered(script, files, env)
    return cfg, project, log, apply


def test_apply_writes_the_project_and_brings_it_up(applier):
    cfg, project, log, apply = applier
    result = apply()
    assert result.returncode == 0, result.stderr
    for path, content in render_bundle(cfg).items():
        assert (project / path).read_text() == content
    assert stat.S_IMODE(project.stat().st_mode) == 0o700
    conf = (project / "odoo.conf").read_text()
    assert conf.startswith(render_bundle(cfg)["odoo.conf.base"])
    assert "db_password = dbSecret1111\nadmin_passwd = masterSecret3333\n" in conf
    assert (project / "secrets" / "db_password").read_text() == "dbSecret1111"
    assert (project / "secrets" / "admin_password").read_text() == "adminSecret2222"
    calls = [line for line in log.read_text().splitlines() if line.startswith("ARGV:")]
    assert calls == ["ARGV: compose -p odoo-test up -d --wait db",
                     "ARGV: compose -p odoo-test exec -T db psql -q -v ON_ERROR_STOP=1 -U postgres -d postgres",
                     "ARGV: compose -p odoo-test up -d --remove-orphans"]


def test_no_secret_is_in_any_command_or_its_input_and_the_role_reads_the_mounted_file(applier):
    _, _, log, apply = applier
    assert apply().returncode == 0
    text = log.read_text()
    assert not any(value in text for value in SECRETS.values())
    assert ROLE_SQL in text


def calls(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("ARGV:")]


def test_rotation_is_changing_the_secret_and_applying_again(applier):
    _, project, log, apply = applier
    assert apply().returncode == 0
    assert apply().returncode == 0
    assert "ARGV: compose -p odoo-test restart odoo" not in calls(log), "an unchanged secret must not restart Odoo"
    assert apply(ODOO_LADDER_DB_PASSWORD="rotatedSecret9999").returncode == 0
    assert "db_password = rotatedSecret9999" in (project / "odoo.conf").read_text()
    assert (project / "secrets" / "db_password").read_text() == "rotatedSecret9999"
    assert log.read_text().count(ROLE_SQL) == 3
    # Odoo read the old password at its start: it restarts, after the role has the new one.
    assert calls(log)[-1] == "ARGV: compose -p odoo-test restart odoo"


@pytest.mark.parametrize("bad", ["", "has'quote", 'has"quote', "back\\slash", "new\nline", " edge"])
def test_unsafe_or_missing_secrets_stop_before_anything_is_written(applier, bad):
    _, project, log, apply = applier
    result = apply(ODOO_LADDER_ADMIN_PASSWORD=bad)
    assert result.returncode == 1
    assert "ODOO_LADDER_ADMIN_PASSWORD" in result.stderr
    assert not project.exists() and not log.exists()


def test_the_host_variant_refuses_to_write_data_to_the_root_disk(tmp_path):
    cfg = from_mapping("test", local())
    files = render_bundle(cfg)
    script = render_apply_script("test", files, odoo_service(cfg), str(tmp_path / "p"),
                                 on_host=True).replace("/srv/odoo-data", str(tmp_path / "not-mounted"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(STAND_IN_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(tmp_path / "log"), **SECRETS}
    result = run_delivered(script, files, env)
    assert result.returncode == 1
    assert "is not mounted; refusing to write data to the root disk" in result.stderr
    assert not (tmp_path / "log").exists()


def test_from_step3_the_host_gets_no_secret_and_the_db_password_only_visits_tmpfs(tmp_path):
    from tests.stacks import aws
    cfg = from_mapping("prod", aws(3))
    secrets_dir = tmp_path / "run"
    files = render_bundle(cfg)
    script = (render_apply_script("prod", files, odoo_service(cfg), str(tmp_path / "p"), on_host=False)
              .replace("/run/odoo-ladder/odoo-prod", str(secrets_dir))
              .replace("/etc/tmpfiles.d/odoo-ladder.conf", str(tmp_path / "tmpfiles.conf")))
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "secrets").mkdir()
    (tmp_path / "p" / "odoo.conf").write_text("db_password = left-by-step-2\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # The stand-in writer leaves a file where the real secrets-writer container would.
    (bin_dir / "docker").write_text(STAND_IN_DOCKER + f'[[ " $* " == *" run --rm secrets-writer "* ]] && '
                                    f'echo fromStore > {secrets_dir}/db_password\nexit 0\n')
    (bin_dir / "docker").chmod(0o755)
    # Stand-in for the host's python3 + boto3 reading the secrets' versions (never their values).
    versions = tmp_path / "versions"
    versions.write_text("1 1 1")
    (bin_dir / "python3").write_text(f"#!/bin/bash\ncat {versions}\n")
    (bin_dir / "python3").chmod(0o755)
    log = tmp_path / "log"

    def apply():
        return run_delivered(script, files, {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(log)},
                             cwd=tmp_path)
    result = apply()
    assert result.returncode == 0, result.stderr
    assert calls(log) == ["ARGV: compose -p odoo-prod build",
                     "ARGV: compose -p odoo-prod up -d --wait db",
                     "ARGV: compose -p odoo-prod run --rm secrets-writer",
                     "ARGV: compose -p odoo-prod exec -T db psql -q -v ON_ERROR_STOP=1 -U postgres -d postgres",
                     "ARGV: compose -p odoo-prod up -d --remove-orphans"]
    assert not (secrets_dir / "db_password").exists(), "the DB password must not outlive the ALTER ROLE"
    assert not (tmp_path / "p" / "odoo.conf").exists() and not (tmp_path / "p" / "secrets").exists()
    assert (tmp_path / "p" / "image" / "Dockerfile").is_file()
    assert "restart" not in log.read_text()
    versions.write_text("2 1 1")  # db_password rotated in the store
    assert apply().returncode == 0
    assert calls(log)[-1] == "ARGV: compose -p odoo-prod restart odoo"

"""The apply script, run for real with bash against a stand-in `docker` (and, for the host, `systemctl`).

Only the Docker engine and systemd are stood in (not available here): the script, the shipped writer
and its systemd unit run as delivered, packed in the bundle and run by the local delivery's command. The stand-in docker plays `compose run secrets-writer` by
running the shipped writer with only the variables named by `-e` (as Docker passes them), into a
folder standing for the named volume; it records every argv and the stdin of `exec`.
"""
import base64
import dataclasses
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from components.app import compose
from components.delivery import secrets_steps
from components.app.service import odoo_service
from components.delivery.apply_script import render_apply_script
from components.delivery.artifact import pack
from components.delivery.bundle import render_bundle
from components.delivery.local import RUN_BUNDLE
from configs.load import from_mapping
from tests.secrets.conftest import SecretStore, aws_env, distro_python
from tests.stacks import aws, local
from tests.tools import require_root

STAND_IN_DOCKER = """#!/bin/bash
# Stand-in for the Docker CLI: records argv (and the stdin of exec), plays the writer container.
# The script's preflight questions (is Docker there?) are answered yes and not recorded.
case "$*" in info|"compose version") exit 0 ;; esac
printf 'ARGV: %s\\n' "$*" >> "$DOCKER_LOG"  # one write: the two ends of a pipe log side by side
args=" $* "
if [[ "$args" == *" exec "* ]]; then { echo 'STDIN:'; cat; } >> "$DOCKER_LOG"; exit 0; fi
if [[ "$args" == *" secrets-writer --role-sql "* ]]; then
    exec "$WRITER_PYTHON" -I odoo_ladder_entrypoint.py --role-sql "$VOLUME/odoo.conf"
fi
if [[ "$args" == *" secrets-writer "* ]]; then
    named=(); previous=
    for arg in "$@"; do [ "$previous" = -e ] && named+=("$arg=${!arg}"); previous=$arg; done
    exec env -i "${named[@]}" ODOO_LADDER_SECRET_STORE=env ODOO_LADDER_BASE_CONFIG="$PWD/odoo.conf.base" \\
        "$WRITER_PYTHON" -I odoo_ladder_entrypoint.py --write-config "$VOLUME" --owner "$(id -u):$(id -g)" --allow-disk
fi
"""
SECRETS = {
    "ODOO_LADDER_DB_PASSWORD": "dbSecret1111aaaaBBBB",
    "ODOO_LADDER_ADMIN_PASSWORD": "adminSecret2222cccc",
    "ODOO_LADDER_ADMIN_PASSWD": "masterSecret3333dddd",
}


def run_delivered(script: str, files: dict[str, str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """As the local delivery runs it: the bundle on stdin, unpacked and applied by its command."""
    stdin = base64.b64encode(pack(script, files).archive).decode()
    return subprocess.run(["/bin/bash", "-c", RUN_BUNDLE], input=stdin, env=env, capture_output=True, text=True)


def calls(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("ARGV:")]


def stand_in(tmp_path: Path, name: str, text: str) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / name).write_text(text)
    (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.fixture
def applier(tmp_path):
    cfg = from_mapping("test", local())
    project = tmp_path / "project"
    volume = tmp_path / "volume"
    files = render_bundle(cfg)
    script = render_apply_script("test", files, odoo_service(cfg), str(project), on_host=False)
    bin_dir = stand_in(tmp_path, "docker", STAND_IN_DOCKER)
    log = tmp_path / "docker.log"

    def apply(**overrides) -> subprocess.CompletedProcess:
        env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(log), "VOLUME": str(volume),
               "WRITER_PYTHON": sys.executable, **SECRETS, **overrides}
        return run_delivered(script, files, env)
    return cfg, project, volume, log, apply


def test_apply_writes_the_project_and_the_writer_fills_the_volume(applier):
    cfg, project, volume, log, apply = applier
    result = apply()
    assert result.returncode == 0, result.stderr
    for path, content in render_bundle(cfg).items():
        assert (project / path).read_text() == content
    assert stat.S_IMODE(project.stat().st_mode) == 0o700
    assert stat.S_IMODE((project / "postgres").stat().st_mode) == 0o755, "postgres must read its rules"
    conf = (volume / "odoo.conf").read_text()
    assert conf.startswith("[options]") and "db_password = dbSecret1111aaaaBBBB" in conf
    assert "admin_passwd = masterSecret3333dddd" in conf
    assert (volume / "admin_password").read_text() == "adminSecret2222cccc"
    for path in volume.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o400
    made = calls(log)
    assert made[:2] == [
        "ARGV: compose -p odoo-test run --rm -T -e ODOO_LADDER_DB_PASSWORD -e ODOO_LADDER_ADMIN_PASSWORD"
        " -e ODOO_LADDER_ADMIN_PASSWD secrets-writer",
        "ARGV: compose -p odoo-test up -d --wait db"]
    # One pipe: the writer's SQL into psql (both ends start together).
    assert sorted(made[2:4]) == [
        "ARGV: compose -p odoo-test exec -T -u postgres db psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres",
        "ARGV: compose -p odoo-test run --rm -T secrets-writer --role-sql /run/odoo-ladder/odoo.conf"]
    assert made[4:] == ["ARGV: compose -p odoo-test up -d --remove-orphans"]


def test_no_secret_in_any_command_input_or_project_file_and_the_role_gets_a_verifier(applier):
    _, project, _, log, apply = applier
    assert apply().returncode == 0
    text = log.read_text()
    assert not any(value in text for value in SECRETS.values())
    assert re.search(r"ALTER ROLE \"odoo\" .* PASSWORD 'SCRAM-SHA-256\$4096:[^']+';", text)
    assert "SET log_statement = 'none';" in text
    for path in project.rglob("*"):
        if path.is_file():
            assert not any(value in path.read_text(errors="replace") for value in SECRETS.values()), path
            assert stat.S_IMODE(path.stat().st_mode) & 0o002 == 0


def test_rotation_changes_the_role_before_odoo_restarts(applier):
    _, _, volume, log, apply = applier
    assert apply().returncode == 0
    assert apply().returncode == 0
    assert "ARGV: compose -p odoo-test restart odoo" not in calls(log), "an unchanged secret must not restart Odoo"
    assert apply(ODOO_LADDER_DB_PASSWORD="rotatedSecret9999eeee").returncode == 0
    assert "db_password = rotatedSecret9999eeee" in (volume / "odoo.conf").read_text()
    assert log.read_text().count("ALTER ROLE") == 3
    last = calls(log)[-4:]
    # The role has the new password first; Odoo, which read the old one at its start, restarts after.
    assert any(call.endswith("db psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres") for call in last[:2])
    assert last[2:] == ["ARGV: compose -p odoo-test up -d --remove-orphans", "ARGV: compose -p odoo-test restart odoo"]


@pytest.mark.parametrize("bad", ["", "has'quote", 'has"quote', "back\\slash", "new\nline", " edge"])
def test_unsafe_or_missing_secrets_stop_before_anything_is_written(applier, bad):
    _, project, _, log, apply = applier
    result = apply(ODOO_LADDER_ADMIN_PASSWORD=bad)
    assert result.returncode == 1
    assert "ODOO_LADDER_ADMIN_PASSWORD" in result.stderr
    assert not project.exists() and not log.exists()


def test_a_short_secret_is_refused_by_the_writer_and_nothing_starts(applier):
    _, _, volume, log, apply = applier
    result = apply(ODOO_LADDER_DB_PASSWORD="short1")
    assert result.returncode != 0
    assert "ODOO_LADDER_DB_PASSWORD is shorter than 16 characters" in result.stderr
    assert not (volume / "odoo.conf").exists()
    assert not any(" up " in call for call in calls(log))


def test_the_host_variant_refuses_to_write_data_to_the_root_disk(tmp_path):
    cfg = from_mapping("test", local())
    files = render_bundle(cfg)
    script = (render_apply_script("test", files, odoo_service(cfg), str(tmp_path / "p"), on_host=True)
              .replace("/srv/odoo-data", str(tmp_path / "not-mounted")).replace("/etc/tmpfiles.d/", str(tmp_path) + "/"))
    bin_dir = stand_in(tmp_path, "docker", STAND_IN_DOCKER)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(tmp_path / "log"), **SECRETS}
    result = run_delivered(script, files, env)
    assert result.returncode == 1
    assert "is not mounted; refusing to write data to the root disk" in result.stderr
    assert not (tmp_path / "log").exists()


# Stand-in for systemctl (NOT systemd): `restart` runs the installed unit's ExecStartPre/ExecStart with
# its Environment=, as systemd would; the rest only records.
STAND_IN_SYSTEMCTL = """#!/bin/bash
echo "SYSTEMCTL: $*" >> "$DOCKER_LOG"
[ "$1" = restart ] || exit 0
unit="$UNIT_DIR/$2"
environment=(); while IFS= read -r line; do environment+=("${line#Environment=}"); done < <(grep '^Environment=' "$unit")
for key in ExecStartPre ExecStart; do
    command=$(sed -n "s/^$key=//p" "$unit")
    env "${environment[@]}" $command || exit 1
done
"""


@pytest.mark.parametrize("kind", ["ssm", "secretsmanager"])
def test_on_aws_the_host_unit_writes_the_secrets_into_run_and_the_disk_holds_none(kind, moto_endpoint, tmp_path,
                                                                                  monkeypatch):
    """Every AWS step: the unit (run as systemd would) reads the store into the tmpfs folder, owned by
    the odoo uid; the role gets a verifier computed from that file; a rotation restarts Odoo after it."""
    require_root()
    python = distro_python()  # the host's python3 with Debian's python3-boto3
    run_dir = Path("/dev/shm") / f"odoo-ladder-test-{tmp_path.name}"
    cfg = from_mapping("prod", aws(3, secrets={"store": kind}) if kind == "secretsmanager" else aws(0))
    store = SecretStore(kind, moto_endpoint, f"/odoo-ladder/prod-{kind}-{tmp_path.name[-6:]}")
    for key, env in (("db_password", "ODOO_LADDER_DB_PASSWORD"), ("admin_passwd", "ODOO_LADDER_ADMIN_PASSWD"),
                     ("admin_password", "ODOO_LADDER_ADMIN_PASSWORD")):
        store.put(key, SECRETS[env])
    project, units = tmp_path / "p", tmp_path / "units"
    units.mkdir()
    # Only where things go on a real host changes: /run, systemd's folder, the host's python3.
    monkeypatch.setattr(compose, "HOST_SECRETS_ROOT", str(run_dir))
    monkeypatch.setattr(secrets_steps, "SYSTEMD_DIR", str(units))
    monkeypatch.setattr(secrets_steps, "HOST_PYTHON", python)
    service = dataclasses.replace(odoo_service(cfg), secret_path=store.path)
    files = render_bundle(cfg)
    script = render_apply_script("prod", files, service, str(project), on_host=False)
    (project).mkdir()
    (project / "secrets").mkdir()
    (project / "odoo.conf").write_text("db_password = left-by-an-older-version\n")
    bin_dir = stand_in(tmp_path, "docker", STAND_IN_DOCKER)
    stand_in(tmp_path, "systemctl", STAND_IN_SYSTEMCTL)
    log = tmp_path / "log"
    env = {**aws_env(moto_endpoint), "PATH": f"{bin_dir}:{os.environ['PATH']}", "DOCKER_LOG": str(log),
           "UNIT_DIR": str(units)}

    def apply():
        return run_delivered(script, files, env)
    try:
        result = apply()
        assert result.returncode == 0, result.stderr
        folder = run_dir / "odoo-prod"
        uid_gid = odoo_service(cfg).uid, odoo_service(cfg).gid
        assert (stat.S_IMODE(folder.stat().st_mode), folder.stat().st_uid) == (0o700, uid_gid[0])
        assert stat.S_IMODE(run_dir.stat().st_mode) == 0o700 and run_dir.stat().st_uid == 0
        for name in ("odoo.conf", "admin_password"):
            info = (folder / name).stat()
            assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o400, *uid_gid)
        assert "db_password = dbSecret1111aaaaBBBB" in (folder / "odoo.conf").read_text()
        assert not (project / "odoo.conf").exists() and not (project / "secrets").exists()
        assert [c for c in calls(log) if "run" in c.split()] == [], "no writer container on AWS"
        text = log.read_text()
        assert "SYSTEMCTL: restart odoo-ladder-secrets-odoo-prod.service" in text
        assert not any(value in text for value in SECRETS.values()) and "ALTER ROLE" in text
        assert "ARGV: compose -p odoo-prod restart odoo" not in calls(log)
        store.put("db_password", "rotatedOnAws-5555ffff")
        assert apply().returncode == 0
        assert "db_password = rotatedOnAws-5555ffff" in (folder / "odoo.conf").read_text()
        assert calls(log)[-1] == "ARGV: compose -p odoo-prod restart odoo"
        assert calls(log)[-2] == "ARGV: compose -p odoo-prod up -d --remove-orphans"
        assert calls(log)[-3].endswith("-U postgres -d postgres"), "the role changes before Odoo restarts"
    finally:
        subprocess.run(["rm", "-rf", str(run_dir)], check=False)
